namespace StreamMI.Host.Configuration;

/// <summary>Kafka connection settings, bound from <c>StreamMI:Kafka</c>.</summary>
public sealed class KafkaOptions
{
    /// <summary>Brokers to bootstrap from, <c>host:port,host:port</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// librdkafka client properties passed through as they are (for example
    /// <c>security.protocol</c>, <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>sasl.password</c>,
    /// <c>ssl.ca.location</c>). Values here are never logged or shown in the snapshot.
    /// </summary>
    public Dictionary<string, string> Client { get; set; } = [];

    /// <summary>How often counted offsets are committed.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(5);
}
