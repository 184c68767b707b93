using System.Text;
using Confluent.Kafka;
using StreamMI.Host.Kafka;
using StreamMI.Host.State;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// An embedded Kafka peer with an input topic and a state topic, a producer that puts each
/// event on a chosen partition, and a reader of the state topic's newest records.
/// </summary>
internal sealed class StateCluster : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;

    public StateCluster(int partitions)
    {
        Cluster = EmbeddedKafkaCluster.Start();

        // Workers here join one at a time or are restarted: no reason to wait for more members.
        Cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        Topic = "events-" + suffix;
        StateTopic = "state-" + suffix;
        Partitions = partitions;
        Cluster.CreateTopic(Topic, partitions);
        Cluster.CreateTopic(StateTopic, 1);
        _producer = new ProducerBuilder<byte[]?, byte[]?>(
            new ProducerConfig { BootstrapServers = Cluster.BootstrapServers, LingerMs = 2, EnableIdempotence = true }).Build();
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public string Topic { get; }

    public string StateTopic { get; }

    public int Partitions { get; }

    /// <summary>
    /// Produces events in order, each to its partition, and waits until all are acknowledged. The
    /// producer is idempotent, so the i-th event of a partition lands at offset i.
    /// </summary>
    public void Produce(IEnumerable<TestEvent> events)
    {
        foreach (var e in events)
        {
            _producer.Produce(
                new TopicPartition(Topic, e.Partition),
                new Message<byte[]?, byte[]?> { Value = e.Json, Timestamp = new Timestamp(DateTimeOffset.UtcNow) });
        }

        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>Produces at about <paramref name="perSecond"/> events a second, in batches.</summary>
    public async Task ProducePacedAsync(IReadOnlyList<TestEvent> events, int perSecond, CancellationToken cancellationToken = default)
    {
        const int batch = 200;
        var started = DateTime.UtcNow;
        for (var i = 0; i < events.Count; i += batch)
        {
            Produce(events.Skip(i).Take(batch));
            var due = started + TimeSpan.FromSeconds((double)(i + batch) / perSecond);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    /// <summary>Writes raw bytes as the newest state record of one partition.</summary>
    public void WriteStateRecord(string monitor, int partition, byte[] value)
    {
        var key = Encoding.UTF8.GetBytes(StateRecord.Key(monitor, Topic, partition));
        _producer.Produce(StateTopic, new Message<byte[]?, byte[]?> { Key = key, Value = value });
        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>The end offset of each input partition.</summary>
    public Dictionary<int, long> EndOffsets()
    {
        using var consumer = NewConsumer();
        return Enumerable.Range(0, Partitions).ToDictionary(
            p => p,
            p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>
    /// The offset a consumer group has committed for each input partition, read as a fresh member
    /// of the group would read it on joining; negative where it has committed none.
    /// </summary>
    public Dictionary<int, long> CommittedOffsets(string groupId)
    {
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = groupId, EnableAutoCommit = false };
        using var reader = new ConsumerBuilder<Ignore, Ignore>(config).Build();
        var all = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)).ToList();
        return reader.Committed(all, TimeSpan.FromSeconds(10)).ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }

    /// <summary>The newest raw record of each key in the state topic.</summary>
    public Dictionary<string, byte[]> ReadStateRecords()
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in ReadStateHistory())
        {
            records[key] = value;
        }

        return records;
    }

    /// <summary>
    /// Every record ever written to the state topic, in order: the embedded peer does not compact,
    /// so each saved cut of each partition is still there.
    /// </summary>
    public List<(string Key, byte[] Value)> ReadStateHistory()
    {
        using var consumer = NewConsumer();
        var tp = new TopicPartition(StateTopic, 0);
        var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        var records = new List<(string Key, byte[] Value)>();
        if (end == 0)
        {
            return records;
        }

        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= end)
                {
                    break;
                }

                continue;
            }

            records.Add((Encoding.UTF8.GetString(result.Message.Key!), result.Message.Value!));
        }

        return records;
    }

    /// <summary>
    /// Waits until the state topic holds, for every input partition, a record complete up to the
    /// partition's end: the stream has been counted to its last event and saved.
    /// </summary>
    public async Task<Dictionary<int, StateRecord>> WaitForSavedEndAsync(string monitor, TimeSpan timeout)
    {
        var ends = EndOffsets();
        var deadline = DateTime.UtcNow + timeout;
        var last = new Dictionary<int, StateRecord>();
        while (DateTime.UtcNow < deadline)
        {
            var records = ReadStateRecords();
            last = [];
            foreach (var partition in Enumerable.Range(0, Partitions))
            {
                // A damaged record a test wrote on purpose counts as nothing saved yet.
                if (records.TryGetValue(StateRecord.Key(monitor, Topic, partition), out var bytes) && TryDecode(bytes) is { } record)
                {
                    last[partition] = record;
                }
            }

            if (ends.All(e => last.TryGetValue(e.Key, out var r) && r.NextOffset == e.Value))
            {
                return last;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException(
            $"The saved state did not reach the end of the stream within {timeout}: ends "
            + $"{string.Join(", ", ends.Select(e => $"{e.Key}@{e.Value}"))}, saved "
            + $"{string.Join(", ", last.Select(r => $"{r.Key}@{r.Value.NextOffset}"))}");
    }

    private static StateRecord? TryDecode(byte[] bytes)
    {
        try
        {
            return StateRecordCodec.Decode(bytes);
        }
        catch (StateRecordException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _producer.Dispose();
        Cluster.Dispose();
    }

    private IConsumer<byte[], byte[]> NewConsumer() => new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = BootstrapServers,
        GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        EnablePartitionEof = true,
    }).Build();
}
