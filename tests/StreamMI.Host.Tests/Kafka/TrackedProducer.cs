using System.Collections.Concurrent;
using Confluent.Kafka;

namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Produces messages whose key and value are both the integer k, and records from the
/// delivery reports which partition each key went to and which deliveries failed.
/// </summary>
internal sealed class TrackedProducer : IDisposable
{
    private readonly IProducer<int, int> _producer;

    private readonly ConcurrentDictionary<int, int> _partitionOfKey = new();

    private readonly ConcurrentQueue<string> _failures = new();

    private int _delivered;

    public TrackedProducer(string bootstrapServers, ConcurrentQueue<string> clientLog)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 5,

            // Retries after a lost connection must not write a batch twice, so that what the
            // consumer repeats is the consumer's doing alone.
            EnableIdempotence = true,
        };
        _producer = new ProducerBuilder<int, int>(config)
            .SetLogHandler((_, m) =>
                clientLog.Enqueue($"producer {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => clientLog.Enqueue($"producer error {e.Code}: {e.Reason}"))
            .Build();
    }

    public int Delivered => Volatile.Read(ref _delivered);

    public int Failed => _failures.Count;

    public string FirstFailure => _failures.TryPeek(out string? first) ? first : "none";

    /// <summary>Enqueues keys <paramref name="from"/> to from + count - 1; does not wait.</summary>
    public void Produce(string topic, int from, int count)
    {
        for (int key = from; key < from + count; key++)
        {
            int k = key;
            _producer.Produce(
                topic,
                new Message<int, int> { Key = k, Value = k },
                report =>
                {
                    if (report.Error.IsError)
                    {
                        _failures.Enqueue($"key {k}: {report.Error.Code} {report.Error.Reason}");
                    }
                    else
                    {
                        _partitionOfKey[k] = report.Partition.Value;
                        Interlocked.Increment(ref _delivered);
                    }
                });
        }
    }

    /// <summary>Waits until every message has a delivery report, or fails the test.</summary>
    public void Flush(TimeSpan bound)
    {
        int left = _producer.Flush(bound);
        Assert.True(
            left == 0,
            $"{left} message(s) still had no delivery report after {bound.TotalSeconds:0} s.");
    }

    /// <summary>
    /// The partition the broker stored <paramref name="key"/> in, from its delivery report.
    /// </summary>
    public int PartitionOf(int key)
    {
        return _partitionOfKey.TryGetValue(key, out int partition) ? partition : -1;
    }

    public void Dispose()
    {
        _producer.Dispose();
    }
}
