namespace StreamMI.Host.Configuration;

/// <summary>One monitored stream, bound from <c>StreamMI:Monitors:N</c>.</summary>
public sealed class MonitorOptions
{
    /// <summary>The monitor's name in output and metrics; defaults to the topic.</summary>
    public string? Name { get; set; }

    /// <summary>The Kafka topic to read.</summary>
    public string? Topic { get; set; }

    /// <summary>The consumer group; defaults to <c>streammi-NAME</c>.</summary>
    public string? GroupId { get; set; }

    /// <summary>The target field (a dotted path into the JSON event).</summary>
    public string? Target { get; set; }

    /// <summary>Feature fields; empty means every field of the first event but the excluded ones.</summary>
    public List<string> Features { get; set; } = [];

    /// <summary>Fields never used as features.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Categorical fields, or <c>*</c> for every field.</summary>
    public List<string> Categorical { get; set; } = [];

    /// <summary>Numeric fields.</summary>
    public List<string> Numeric { get; set; } = [];

    /// <summary>Boolean fields.</summary>
    public List<string> Boolean { get; set; } = [];

    /// <summary>Bins of numeric fields whose edges are learned.</summary>
    public int Bins { get; set; } = 10;

    /// <summary>Fixed interior bin edges per numeric field.</summary>
    public Dictionary<string, List<double>> Edges { get; set; } = [];

    /// <summary>Distinct values of a categorical field with a level of their own.</summary>
    public int LevelCap { get; set; } = 4096;

    /// <summary>Events held to learn numeric bin edges.</summary>
    public int WarmUpEvents { get; set; } = 10_000;

    /// <summary><c>sliding</c>, <c>tumbling</c> or <c>whole-stream</c>.</summary>
    public string WindowMode { get; set; } = "sliding";

    /// <summary>Window length, such as <c>1h</c>, <c>15m</c> or <c>00:30:00</c>.</summary>
    public string Window { get; set; } = "1h";

    /// <summary>Panes a sliding window is cut into.</summary>
    public int Panes { get; set; } = 60;

    /// <summary>The event-time field; empty uses the Kafka message timestamp.</summary>
    public string? EventTimeField { get; set; }

    /// <summary>Messages larger than this are skipped as oversized.</summary>
    public int MaxMessageBytes { get; set; } = 1 << 20;

    /// <summary>Decoding threads.</summary>
    public int Decoders { get; set; } = 1;

    /// <summary>A topic that receives skipped messages with the reason in a header; empty for none.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>
    /// The reference window drift is measured against: a reference file's path, <c>first-window</c>
    /// or <c>lagged:DURATION</c>; empty for no drift.
    /// </summary>
    public string? Reference { get; set; }

    /// <summary>Thresholds of the drift test.</summary>
    public DriftOptions Drift { get; set; } = new();

    /// <summary>Features (most relevant first) whose every pair gets a redundancy table, for mRMR; 0 for none.</summary>
    public int RedundancyTopK { get; set; }

    /// <summary>The name used in output: <see cref="Name"/> or the topic.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Topic ?? "monitor" : Name;
}
