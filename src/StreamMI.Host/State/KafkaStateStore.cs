using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using StreamMI.Host.Configuration;

namespace StreamMI.Host.State;

/// <summary>
/// Saved partition states in a compacted Kafka topic, keyed by monitor, input topic and
/// partition, the way Kafka Streams keeps a changelog: the newest record of each key is the
/// partition's state, and every replica reads all of them.
/// </summary>
/// <remarks>
/// <para>
/// A reader thread follows the whole state topic from its beginning with a consumer of its own
/// (assigned, not subscribed: it joins no group and commits nothing), keeps the newest record
/// of each of this monitor's partitions, and hands every record to the callback given to
/// <see cref="Start"/>, so a replica can merge in the partitions other replicas own.
/// <see cref="CatchUp"/> lets the reader reach the end of the topic as it is at that moment, so
/// a partition handed over by another replica is restored from that replica's last record.
/// </para>
/// <para>
/// Writes go through an idempotent producer with acknowledgement from all in-sync replicas;
/// <see cref="Save"/> returns only when every record is acknowledged or has failed.
/// </para>
/// </remarks>
public sealed partial class KafkaStateStore : IPartitionStateStore
{
    private static readonly TimeSpan s_catchUpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);

    private readonly KafkaOptions _kafka;
    private readonly string _stateTopic;
    private readonly string _monitor;
    private readonly string _topic;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, byte[]> _latest = new();
    private readonly ConcurrentQueue<CatchUpRequest> _catchUps = new();
    private readonly CancellationTokenSource _stop = new();
    private IProducer<byte[], byte[]>? _producer;
    private Thread? _reader;
    private Action<int, byte[]> _onRecord = (_, _) => { };

    /// <summary>Creates the store of one monitor's partitions of <paramref name="topic"/>.</summary>
    public KafkaStateStore(KafkaOptions kafka, string stateTopic, string monitor, string topic, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateTopic);
        ArgumentNullException.ThrowIfNull(logger);

        _kafka = kafka;
        _stateTopic = stateTopic;
        _monitor = monitor;
        _topic = topic;
        _prefix = StateRecord.Key(monitor, topic, 0)[..^1];
        _logger = logger;
    }

    /// <inheritdoc />
    public string Description => $"state topic '{_stateTopic}'";

    /// <inheritdoc />
    public void Start(Action<int, byte[]> onRecord)
    {
        ArgumentNullException.ThrowIfNull(onRecord);

        _onRecord = onRecord;
        _producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig()).Build();
        var partitions = StatePartitions(_producer);
        var consumer = new ConsumerBuilder<byte[], byte[]>(ReaderConfig()).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(_stateTopic, p, Offset.Beginning)));
        _reader = new Thread(() => Read(consumer, partitions))
        {
            IsBackground = true,
            Name = $"streammi-state-{_monitor}",
        };
        _reader.Start();
        LogStarted(_logger, _monitor, _stateTopic, partitions.Count);
    }

    /// <inheritdoc />
    public void CatchUp()
    {
        if (_reader is null)
        {
            throw new InvalidOperationException("The state store is not started.");
        }

        var request = new CatchUpRequest();
        _catchUps.Enqueue(request);
        if (!request.Done.Task.Wait(s_catchUpTimeout))
        {
            LogCatchUpSlow(_logger, _monitor, _stateTopic, s_catchUpTimeout.TotalSeconds);
        }
    }

    /// <inheritdoc />
    public byte[]? Load(int partition) => _latest.TryGetValue(partition, out var bytes) ? bytes : null;

    /// <inheritdoc />
    public bool Save(IReadOnlyList<KeyValuePair<int, byte[]>> records, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(records);
        var producer = _producer ?? throw new InvalidOperationException("The state store is not started.");

        problem = null;
        var failures = new ConcurrentQueue<string>();
        try
        {
            foreach (var (partition, bytes) in records)
            {
                var message = new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(StateRecord.Key(_monitor, _topic, partition)),
                    Value = bytes,
                };
                producer.Produce(_stateTopic, message, report =>
                {
                    if (report.Error.IsError)
                    {
                        failures.Enqueue(report.Error.Reason);
                    }
                });
            }
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            failures.Enqueue(ex.Error.Reason);
        }

        var undelivered = producer.Flush(s_requestTimeout * 3);
        if (undelivered > 0)
        {
            problem = $"{undelivered} record(s) were not acknowledged within {(s_requestTimeout * 3).TotalSeconds} s";
            return false;
        }

        if (failures.TryPeek(out var reason))
        {
            problem = reason;
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _reader?.Join(s_requestTimeout);
        if (_producer is { } producer)
        {
            producer.Flush(s_requestTimeout);
            producer.Dispose();
        }

        _stop.Dispose();
    }

    private ProducerConfig ProducerConfig() => new(new Dictionary<string, string>(_kafka.Client))
    {
        BootstrapServers = _kafka.BootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 5,
        CompressionType = CompressionType.Lz4,
        ClientId = $"streammi-state-{_monitor}",
    };

    private ConsumerConfig ReaderConfig() => new(new Dictionary<string, string>(_kafka.Client))
    {
        BootstrapServers = _kafka.BootstrapServers,

        // The client insists on a group id; this one is never joined or committed to, since the
        // reader assigns itself every partition.
        GroupId = $"streammi-state-reader-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        EnablePartitionEof = true,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        ClientId = $"streammi-state-reader-{_monitor}",
    };

    private List<int> StatePartitions(IProducer<byte[], byte[]> producer)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var partitions = Partitions(admin);
        if (partitions.Count == 0)
        {
            TryCreate(admin);
            partitions = Partitions(admin);
        }

        if (partitions.Count == 0)
        {
            throw new InvalidOperationException(
                $"The state topic '{_stateTopic}' does not exist and could not be created; "
                + "create it with cleanup.policy=compact or fix StreamMI:State:Topic.");
        }

        WarnUnlessCompacted(producer);
        return partitions;
    }

    private List<int> Partitions(IAdminClient admin)
    {
        var metadata = admin.GetMetadata(_stateTopic, s_requestTimeout);
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _stateTopic);
        return topic is null || topic.Error.IsError ? [] : [.. topic.Partitions.Select(p => p.PartitionId).Order()];
    }

    private void TryCreate(IAdminClient admin)
    {
        var spec = new TopicSpecification
        {
            Name = _stateTopic,
            NumPartitions = 1,
            ReplicationFactor = -1,
            Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
        };
        try
        {
            admin.CreateTopicsAsync([spec]).Wait(s_requestTimeout);
            LogCreated(_logger, _stateTopic);
        }
        catch (AggregateException ex) when (ex.InnerException is KafkaException or CreateTopicsException)
        {
            LogCreateFailed(_logger, _stateTopic, ex.InnerException!.Message);
        }
    }

    // Checked in the background: a broker that cannot describe configurations (such as the
    // embedded test peer) may not answer before the request times out, and the state works
    // either way.
    private void WarnUnlessCompacted(IProducer<byte[], byte[]> producer)
    {
        var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = _stateTopic };
        admin.DescribeConfigsAsync([resource], new DescribeConfigsOptions { RequestTimeout = s_requestTimeout })
            .ContinueWith(
                describe =>
                {
                    using (admin)
                    {
                        // Observed, so that a refused request is not reported as unobserved.
                        _ = describe.Exception;
                        var entries = describe.IsCompletedSuccessfully ? describe.Result.SelectMany(r => r.Entries) : [];
                        var policy = entries.FirstOrDefault(e => e.Key == "cleanup.policy").Value?.Value;
                        if (policy is not null && !policy.Contains("compact", StringComparison.Ordinal))
                        {
                            LogNotCompacted(_logger, _stateTopic, policy);
                        }
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
    }

    private void Read(IConsumer<byte[], byte[]> consumer, List<int> partitions)
    {
        var positions = partitions.ToDictionary(p => p, _ => 0L);
        var pending = new List<CatchUpRequest>();
        var failing = false;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                while (_catchUps.TryDequeue(out var request))
                {
                    request.Targets = EndOffsets(consumer, partitions, positions);
                    pending.Add(request);
                }

                try
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    failing = false;
                    if (result is not null)
                    {
                        var partition = result.Partition.Value;
                        positions[partition] = result.IsPartitionEOF ? result.Offset.Value : result.Offset.Value + 1;
                        if (!result.IsPartitionEOF)
                        {
                            Deliver(result.Message);
                        }
                    }
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    if (!failing)
                    {
                        failing = true;
                        LogReadFailed(_logger, _monitor, _stateTopic, ex.Error.Reason);
                    }
                }

                pending.RemoveAll(request =>
                {
                    var reached = request.Targets!.All(t => positions[t.Key] >= t.Value);
                    if (reached)
                    {
                        request.Done.TrySetResult();
                    }

                    return reached;
                });
            }
        }
        finally
        {
            consumer.Close();
            consumer.Dispose();
        }
    }

    private Dictionary<int, long> EndOffsets(
        IConsumer<byte[], byte[]> consumer,
        List<int> partitions,
        Dictionary<int, long> positions)
    {
        var ends = new Dictionary<int, long>();
        foreach (var partition in partitions)
        {
            try
            {
                var tp = new TopicPartition(_stateTopic, partition);
                var high = consumer.QueryWatermarkOffsets(tp, s_requestTimeout).High;
                ends[partition] = high == Offset.Unset ? positions[partition] : high.Value;
            }
            catch (KafkaException ex)
            {
                // The end is unknown, so the partition counts as read up to where the reader is.
                LogReadFailed(_logger, _monitor, _stateTopic, ex.Error.Reason);
                ends[partition] = positions[partition];
            }
        }

        return ends;
    }

    private void Deliver(Message<byte[], byte[]> message)
    {
        if (message.Key is null)
        {
            return;
        }

        var key = Encoding.UTF8.GetString(message.Key);
        if (!key.StartsWith(_prefix, StringComparison.Ordinal)
            || !int.TryParse(
                key.AsSpan(_prefix.Length),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out var partition))
        {
            return;
        }

        if (message.Value is null)
        {
            _latest.TryRemove(partition, out _);
            return;
        }

        _latest[partition] = message.Value;
        try
        {
            _onRecord(partition, message.Value);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // By design: a record the monitor cannot take must not stop the reader, or no later
            // record of any partition would arrive.
            LogDeliverFailed(_logger, ex, _monitor, partition);
        }
    }

    private sealed class CatchUpRequest
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Dictionary<int, long>? Targets { get; set; }
    }
}
