using Confluent.Kafka;

namespace StreamMI.Host.Kafka;

/// <summary>
/// A Kafka cluster inside this process: librdkafka's mock cluster, which listens on real TCP
/// ports on 127.0.0.1 and speaks the Kafka wire protocol, so any Kafka client in this process
/// or another can produce to it and consume from it in a consumer group.
/// </summary>
/// <remarks>
/// <para>
/// It is meant for <c>streammi demo</c> and for integration tests on machines with no broker
/// and no Docker. It is not a broker to keep data in: each partition holds at most about
/// 5 MiB or 100,000 message sets and silently drops older data past that, nothing is written
/// to disk, and the Admin API (CreateTopics and friends) is not served, so topics are made with
/// <see cref="CreateTopic"/> or by a client's automatic topic creation.
/// </para>
/// <para>
/// All members are thread-safe. Control calls on one cluster run one at a time, and any of
/// them may take about a second: the mock thread sometimes answers only at its next
/// one-second tick. <see cref="Dispose"/> may race with other calls: a call that is already
/// inside the native library finishes first, and later calls throw
/// <see cref="ObjectDisposedException"/>. Clients still connected when the cluster stops see
/// their connections refused, as with a broker that went away.
/// </para>
/// <para>
/// A group member that joins a running consumer group waits about
/// <c>session.timeout.ms</c> minus one second for its partitions (a real broker finishes as
/// soon as every member has rejoined), and offset commits made during that rebalance are
/// refused, so what was consumed since the last commit is delivered again.
/// docs/kafka-peer.md has the measurements.
/// </para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    /// <summary>The broker id that addresses every broker at once.</summary>
    public const int AllBrokers = -1;

    // The native side takes delays as a C int of milliseconds.
    private static readonly TimeSpan _longestDelay = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly MockClusterSafeHandle _handle;

    private EmbeddedKafkaCluster(MockClusterSafeHandle handle, int brokerCount, string path)
    {
        _handle = handle;
        BrokerCount = brokerCount;
        NativeLibraryPath = path;
        BootstrapServers = MockClusterNativeMethods.Bootstraps(handle);
    }

    /// <summary>
    /// The brokers' addresses, <c>127.0.0.1:PORT</c> joined by commas, for a client's
    /// <c>bootstrap.servers</c>.
    /// </summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids run from 1 to this number.</summary>
    public int BrokerCount { get; }

    /// <summary>
    /// The librdkafka native file (or probe name) that both this cluster and the
    /// Confluent.Kafka clients of this process use; worth a log line when diagnosing a host.
    /// </summary>
    public string NativeLibraryPath { get; }

    /// <summary>
    /// Starts a cluster of <paramref name="brokers"/> brokers with ids 1 to
    /// <paramref name="brokers"/>, each on a free port of 127.0.0.1.
    /// </summary>
    /// <exception cref="DllNotFoundException">
    /// The librdkafka native library cannot be loaded; the message says what was tried.
    /// </exception>
    /// <exception cref="EntryPointNotFoundException">
    /// The loaded librdkafka has no mock cluster API.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// librdkafka could not start the brokers.
    /// </exception>
    public static EmbeddedKafkaCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);

        // A sanity bound, not a librdkafka limit: every mock broker is a listening socket and
        // all of them share one thread.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokers, 64);

        string path = LibrdkafkaLocator.Load().Path;
        MockClusterSafeHandle handle = MockClusterNativeMethods.CreateCluster(brokers);
        try
        {
            return new EmbeddedKafkaCluster(handle, brokers, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions, each led
    /// by one broker and copied to <paramref name="replicationFactor"/> brokers in all.
    /// </summary>
    /// <exception cref="KafkaException">
    /// The cluster refused, for example because the topic exists already
    /// (<see cref="ErrorCode.TopicAlreadyExists"/>).
    /// </exception>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        ThrowIfDisposed();

        ThrowOnError(
            MockClusterNativeMethods.TopicCreate(_handle, topic, partitions, replicationFactor));
    }

    /// <summary>
    /// Disconnects broker <paramref name="brokerId"/> (or <see cref="AllBrokers"/>) and refuses
    /// new connections to it until <see cref="SetBrokerUp"/>. Partition leadership does not
    /// move: the partitions it leads are unavailable while it is down.
    /// </summary>
    public void SetBrokerDown(int brokerId)
    {
        ValidateBrokerId(brokerId);
        ThrowIfDisposed();

        ThrowOnError(MockClusterNativeMethods.BrokerSetDown(_handle, brokerId));
    }

    /// <summary>
    /// Lets broker <paramref name="brokerId"/> (or <see cref="AllBrokers"/>) accept
    /// connections again.
    /// </summary>
    public void SetBrokerUp(int brokerId)
    {
        ValidateBrokerId(brokerId);
        ThrowIfDisposed();

        ThrowOnError(MockClusterNativeMethods.BrokerSetUp(_handle, brokerId));
    }

    /// <summary>
    /// Delays every response of broker <paramref name="brokerId"/> (or
    /// <see cref="AllBrokers"/>) by <paramref name="roundTrip"/>, to imitate a distant broker.
    /// </summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTrip)
    {
        ValidateBrokerId(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTrip, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(roundTrip, _longestDelay);
        ThrowIfDisposed();

        ThrowOnError(
            MockClusterNativeMethods.BrokerSetRtt(
                _handle,
                brokerId,
                (int)roundTrip.TotalMilliseconds));
    }

    /// <summary>
    /// Makes the next requests of kind <paramref name="apiKey"/> (Kafka protocol numbering:
    /// 0 Produce, 1 Fetch, 3 Metadata, 8 OffsetCommit, 11 JoinGroup, 12 Heartbeat, ...) fail,
    /// one request per error, in order. <see cref="ErrorCode.Local_Transport"/> makes the broker
    /// drop the connection instead of answering.
    /// </summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(apiKey);
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }

        ThrowIfDisposed();

        // Copied so that a caller changing its array during the call cannot change what the
        // native side reads.
        MockClusterNativeMethods.PushRequestErrors(_handle, apiKey, (ErrorCode[])errors.Clone());
    }

    /// <summary>
    /// Forgets any errors still queued for requests of kind <paramref name="apiKey"/>.
    /// </summary>
    public void ClearRequestErrors(short apiKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(apiKey);
        ThrowIfDisposed();

        MockClusterNativeMethods.ClearRequestErrors(_handle, apiKey);
    }

    /// <summary>
    /// Sets the broker setting <c>group.initial.rebalance.delay.ms</c>: how long a new consumer
    /// group waits for more members before its first assignment. The mock's default is 3 s;
    /// a single-consumer demo or test can start sooner with a shorter delay, while a test that
    /// starts several consumers at once wants a delay long enough for all of them to join.
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, _longestDelay);
        ThrowIfDisposed();

        MockClusterNativeMethods.GroupInitialRebalanceDelay(
            _handle,
            (int)delay.TotalMilliseconds);
    }

    /// <summary>
    /// Stops the brokers and frees the native cluster. Safe to call more than once.
    /// </summary>
    public void Dispose()
    {
        _handle.Dispose();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        return $"librdkafka mock cluster of {BrokerCount} broker(s) at {BootstrapServers}";
    }

    private static void ThrowOnError(ErrorCode code)
    {
        if (code != ErrorCode.NoError)
        {
            throw new KafkaException(code);
        }
    }

    private void ValidateBrokerId(int brokerId)
    {
        if (brokerId != AllBrokers && (brokerId < 1 || brokerId > BrokerCount))
        {
            throw new ArgumentOutOfRangeException(
                nameof(brokerId),
                brokerId,
                $"Broker ids run from 1 to {BrokerCount}; use {nameof(AllBrokers)} for all.");
        }
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
    }
}
