using StreamMI.Engine.Drift;
using StreamMI.Engine.Redundancy;

namespace StreamMI.Engine.Monitoring;

/// <summary>A monitor's state at one moment: its window and the dependency of each feature.</summary>
public sealed record MonitorSnapshot
{
    /// <summary>The monitor's name.</summary>
    public required string Name { get; init; }

    /// <summary>The target field.</summary>
    public required string Target { get; init; }

    /// <summary>Start of the window in Unix milliseconds; null before the first event.</summary>
    public long? WindowStartMs { get; init; }

    /// <summary>End of the window in Unix milliseconds; null before the first event.</summary>
    public long? WindowEndMs { get; init; }

    /// <summary>Events in the window.</summary>
    public required long WindowEvents { get; init; }

    /// <summary>Share of the window's panes reached since start, in [0, 1].</summary>
    public required double WindowFill { get; init; }

    /// <summary>Events counted since start (including those since expired).</summary>
    public required long Counted { get; init; }

    /// <summary>Events too old for the window.</summary>
    public required long Late { get; init; }

    /// <summary>Events waiting for numeric bin edges to be learned.</summary>
    public required long Buffered { get; init; }

    /// <summary>Events not counted, by reason name; every reason is present.</summary>
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    /// <summary>Levels of the target with a non-zero count in the window.</summary>
    public required int TargetLevels { get; init; }

    /// <summary>Features sorted by plug-in MI, highest first.</summary>
    public required IReadOnlyList<FeatureReport> Features { get; init; }

    /// <summary>The reference and the last drift evaluation; null when the monitor has no reference.</summary>
    public MonitorDrift? Drift { get; init; }

    /// <summary>MI between the features of each pair table (redundancy), highest first.</summary>
    public IReadOnlyList<FeaturePairReport> Pairs { get; init; } = [];
}
