namespace StreamMI.Engine.Drift;

/// <summary>A monitor's reference and the outcome of its last drift evaluation, as reports show it.</summary>
public sealed record MonitorDrift
{
    /// <summary>Where the reference comes from.</summary>
    public required ReferenceKind Reference { get; init; }

    /// <summary>Where a frozen reference was read from ("first window" for one captured from the stream).</summary>
    public string? ReferenceSource { get; init; }

    /// <summary>For a lagged reference: panes between it and the current window.</summary>
    public int LagPanes { get; init; }

    /// <summary>
    /// True once the reference holds a full window: a frozen one at once, the first window once it has
    /// filled, a lagged one once event time has passed the window plus the lag.
    /// </summary>
    public required bool Ready { get; init; }

    /// <summary>Events in the reference window (as of the last evaluation for a lagged reference).</summary>
    public required long ReferenceEvents { get; init; }

    /// <summary>Start of the reference window in Unix milliseconds, when known.</summary>
    public long? ReferenceStartMs { get; init; }

    /// <summary>End of the reference window in Unix milliseconds, when known.</summary>
    public long? ReferenceEndMs { get; init; }

    /// <summary>The thresholds and the correction in use.</summary>
    public required DriftSettings Settings { get; init; }

    /// <summary>Pane evaluations so far.</summary>
    public required long Evaluations { get; init; }

    /// <summary>End of the current window at the last evaluation, in Unix milliseconds.</summary>
    public long? EvaluatedWindowEndMs { get; init; }

    /// <summary>Events in the current window at the last evaluation.</summary>
    public long EvaluatedWindowEvents { get; init; }

    /// <summary>The last evaluation; null before the first.</summary>
    public DriftEvaluation? Last { get; init; }
}
