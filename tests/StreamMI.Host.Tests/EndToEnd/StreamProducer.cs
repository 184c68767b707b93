using Confluent.Kafka;
using StreamMI.Host.Demo;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// Produces the synthetic stream (<see cref="SyntheticEvents"/>) to a topic at a steady rate on
/// a thread of its own, with every <c>poisonEvery</c>-th message malformed JSON, until disposed.
/// <see cref="InjectDrift"/> switches the stream to its drifted regime from the next event on.
/// </summary>
internal sealed class StreamProducer : IDisposable
{
    private static readonly byte[] s_poison = "{\"label\":\"a\",\"noisy_copy\":"u8.ToArray();

    private readonly IProducer<Null, byte[]> _producer;
    private readonly string _topic;
    private readonly int _eventsPerSecond;
    private readonly int _poisonEvery;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private volatile SyntheticEvents _events;
    private long _produced;

    public StreamProducer(
        string bootstrapServers,
        string topic,
        int eventsPerSecond,
        int poisonEvery,
        int seed)
    {
        _producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 5,
            ClientId = "streammi-e2e-producer",
        }).Build();
        _topic = topic;
        _eventsPerSecond = eventsPerSecond;
        _poisonEvery = poisonEvery;
        _events = new SyntheticEvents(seed);
        _thread = new Thread(Run) { IsBackground = true, Name = "e2e producer" };
        _thread.Start();
    }

    /// <summary>Messages handed to the Kafka client so far.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    /// <summary>From the next event on, the stream is in its drifted regime.</summary>
    public void InjectDrift() => _events = new SyntheticEvents(seed: 99, driftAfter: 0);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        var started = DateTime.UtcNow;
        long sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            // Send what is due at the rate, then sleep a little: a steady trickle, no backlog.
            var due = (long)((DateTime.UtcNow - started).TotalSeconds * _eventsPerSecond);
            for (; sent < due && !_stop.IsCancellationRequested; sent++)
            {
                var now = DateTimeOffset.UtcNow;
                var value = (sent + 1) % _poisonEvery == 0
                    ? s_poison
                    : _events.Next(now.ToUnixTimeMilliseconds());
                try
                {
                    var message = new Message<Null, byte[]> { Value = value, Timestamp = new Timestamp(now) };
                    _producer.Produce(_topic, message);
                    Interlocked.Increment(ref _produced);
                }
                catch (ProduceException<Null, byte[]>)
                {
                    // By design: a full local queue drops this message; the stream goes on.
                }
            }

            _stop.Token.WaitHandle.WaitOne(20);
        }

        _producer.Flush(TimeSpan.FromSeconds(2));
    }
}
