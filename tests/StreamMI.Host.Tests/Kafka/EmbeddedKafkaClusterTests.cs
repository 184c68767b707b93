using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Confluent.Kafka;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// The embedded cluster's own promises: what it advertises, how it fails, how it goes away.
/// </summary>
[Collection(KafkaPeerCollectionDefinition.Name)]
public sealed class EmbeddedKafkaClusterTests
{
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Start_ThreeBrokers_MetadataListsIdsOneToThreeAtTheBootstrapAddresses()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        using IAdminClient admin = NewAdmin(cluster);

        Metadata metadata = admin.GetMetadata(_bound);

        string[] advertised = metadata.Brokers
            .OrderBy(b => b.BrokerId)
            .Select(b => $"{b.Host}:{b.Port}")
            .ToArray();
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        Assert.Equal(cluster.BootstrapServers.Split(',').Order(), advertised.Order());
        Assert.All(advertised, a => Assert.StartsWith("127.0.0.1:", a, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateTopic_FourPartitionsOnThreeBrokers_MetadataShowsFourLedPartitions()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        using IAdminClient admin = NewAdmin(cluster);

        cluster.CreateTopic("four", partitions: 4, replicationFactor: 2);
        TopicMetadata topic = admin.GetMetadata("four", _bound).Topics.Single();

        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        Assert.Equal([0, 1, 2, 3], topic.Partitions.Select(p => p.PartitionId).Order());
        Assert.All(topic.Partitions, p => Assert.InRange(p.Leader, 1, 3));
        Assert.All(topic.Partitions, p => Assert.Equal(2, p.Replicas.Length));
    }

    [Fact]
    public void CreateTopic_SameNameTwice_ThrowsTopicAlreadyExists()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("twice", partitions: 1);

        var error = Assert.Throws<KafkaException>(
            () => cluster.CreateTopic("twice", partitions: 1));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-2)]
    public void SetBrokerDown_IdOutsideOneToBrokerCount_ThrowsArgumentOutOfRange(int brokerId)
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => cluster.SetBrokerDown(brokerId));

        Assert.Equal("brokerId", error.ParamName);
    }

    [Fact]
    public async Task PushRequestErrors_OneProduceError_FailsTheFirstDeliveryOnlyWithThatCode()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("errors", partitions: 1);
        const short ProduceApiKey = 0;

        // InvalidRecord is not retriable, so the client reports it at once. (An authorisation
        // error would also make the client drop the topic's metadata for a while.)
        cluster.PushRequestErrors(ProduceApiKey, ErrorCode.InvalidRecord);
        using IProducer<Null, string> producer = new ProducerBuilder<Null, string>(
            new ProducerConfig { BootstrapServers = cluster.BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        var rejected = await Assert.ThrowsAsync<ProduceException<Null, string>>(
            () => producer.ProduceAsync("errors", new Message<Null, string> { Value = "a" }));
        DeliveryResult<Null, string> accepted = await producer.ProduceAsync(
            "errors",
            new Message<Null, string> { Value = "b" });

        Assert.Equal(ErrorCode.InvalidRecord, rejected.Error.Code);
        Assert.Equal(PersistenceStatus.Persisted, accepted.Status);
        Assert.Equal(0, accepted.Offset.Value);
    }

    [Fact]
    public void Dispose_Twice_StopsListeningAndLaterCallsThrowObjectDisposed()
    {
        var cluster = EmbeddedKafkaCluster.Start();
        string[] hostPort = cluster.BootstrapServers.Split(':');
        int port = int.Parse(hostPort[1], CultureInfo.InvariantCulture);

        cluster.Dispose();
        cluster.Dispose();

        using var probe = new TcpClient();
        var refused = Assert.Throws<SocketException>(
            () => probe.Connect(hostPort[0], port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
        Assert.Throws<ObjectDisposedException>(() => cluster.SetBrokerUp(1));
    }

    [Fact]
    public void Dispose_WhileOtherThreadsCreateTopics_EachCallSucceedsOrThrowsObjectDisposed()
    {
        var cluster = EmbeddedKafkaCluster.Start();
        using var started = new CountdownEvent(4);
        var unexpected = new ConcurrentQueue<Exception>();
        int created = 0;

        Thread[] callers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            started.Signal();
            for (int i = 0; ; i++)
            {
                try
                {
                    cluster.CreateTopic($"race-{t}-{i}", 1);
                    Interlocked.Increment(ref created);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (Exception ex)
                {
                    unexpected.Enqueue(ex);
                    return;
                }
            }
        })).ToArray();
        foreach (Thread caller in callers)
        {
            caller.Start();
        }

        started.Wait(_bound);
        bool raced = SpinWait.SpinUntil(() => Volatile.Read(ref created) >= 20, _bound);

        cluster.Dispose();
        bool allStopped = callers.All(c => c.Join(_bound));

        Assert.True(raced, "the callers did not get 20 topics created before the dispose");
        Assert.True(allStopped, "a caller was still running after the cluster was disposed");
        Assert.Empty(unexpected);
    }

    [LinuxFact]
    public void NativeLibraryPath_AfterClientsRan_IsTheOnlyLibrdkafkaMappedIntoTheProcess()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using IAdminClient admin = NewAdmin(cluster);
        admin.GetMetadata(_bound);

        string[] mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Where(fields => fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .ToArray();

        // One copy of librdkafka serves both the mock cluster and the Confluent.Kafka clients.
        Assert.Equal([cluster.NativeLibraryPath], mapped);
    }

    private static IAdminClient NewAdmin(EmbeddedKafkaCluster cluster)
    {
        var config = new AdminClientConfig { BootstrapServers = cluster.BootstrapServers };
        return new AdminClientBuilder(config)
            .SetLogHandler((_, _) => { })
            .Build();
    }
}
