using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Kafka;

/// <summary>
/// Sends skipped messages to a dead-letter topic, the value unchanged and the reason, source
/// partition and offset in headers. Delivery is best effort: a failed send is logged, never retried
/// by the worker beyond what the producer itself retries, and never stops counting.
/// </summary>
public sealed partial class KafkaDeadLetterSink : IDeadLetterSink, IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly string _monitor;
    private readonly ILogger _logger;
    private int _failuresLogged;

    /// <summary>Creates the producer.</summary>
    public KafkaDeadLetterSink(KafkaOptions kafka, string topic, string monitor, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(kafka);

        var config = new ProducerConfig(new Dictionary<string, string>(kafka.Client))
        {
            BootstrapServers = kafka.BootstrapServers,
            ClientId = $"streammi-{monitor}-dlq",
            LingerMs = 50,
        };
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        _topic = topic;
        _monitor = monitor;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Publish(InboundMessage message, string reason)
    {
        var headers = new Headers
        {
            { "streammi-reason", Encoding.UTF8.GetBytes(reason) },
            { "streammi-source-partition", Encoding.UTF8.GetBytes(message.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { "streammi-source-offset", Encoding.UTF8.GetBytes(message.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };
        try
        {
            _producer.Produce(_topic, new Message<byte[]?, byte[]?> { Value = message.Value, Headers = headers }, OnDelivered);
        }
        catch (KafkaException ex)
        {
            OnFailure(ex.Error.Reason);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    private void OnDelivered(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            OnFailure(report.Error.Reason);
        }
    }

    private void OnFailure(string reason)
    {
        // One line per hundred failures keeps a dead broker from flooding the log.
        if (Interlocked.Increment(ref _failuresLogged) % 100 == 1)
        {
            LogFailed(_logger, _monitor, _topic, reason);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} could not send a skipped message to dead-letter topic {Topic} ({Reason}); counting goes on")]
    private static partial void LogFailed(ILogger logger, string monitor, string topic, string reason);
}
