namespace StreamMI.Host.Configuration;

/// <summary>The worker's settings, bound from the <c>StreamMI</c> section.</summary>
public sealed class StreamMIOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "StreamMI";

    /// <summary>The streams to monitor.</summary>
    public List<MonitorOptions> Monitors { get; set; } = [];

    /// <summary>Kafka connection settings shared by every monitor.</summary>
    public KafkaOptions Kafka { get; set; } = new();

    /// <summary>Where window state is saved; nothing is saved when it names no topic or directory.</summary>
    public StateOptions State { get; set; } = new();

    /// <summary>The HTTP port of health, snapshot and metrics endpoints.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>The address the HTTP endpoint binds to.</summary>
    public string HttpAddress { get; set; } = "0.0.0.0";

    /// <summary>How long shutdown may take to drain, commit and close.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Features exported as metrics per monitor, highest MI first.</summary>
    public int MaxFeaturesPerMonitor { get; set; } = 50;

    /// <summary>Channel capacity between stages, in messages.</summary>
    public int ChannelCapacity { get; set; } = 4096;
}
