using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Estimation;
using StreamMI.Engine.Redundancy;

namespace StreamMI.Engine.Monitoring;

/// <summary>One feature's dependency on the target over a window, as reports and metrics show it.</summary>
public sealed record FeatureReport
{
    /// <summary>The feature's name.</summary>
    public required string Feature { get; init; }

    /// <summary>How the feature is discretised.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Why the kind was chosen, when it was inferred.</summary>
    public string? KindReason { get; init; }

    /// <summary>
    /// True when the feature has more distinct values than its level cap and the rest share hashed
    /// buckets: its MI is then that of the bucketed feature, a lower bound.
    /// </summary>
    public required bool Capped { get; init; }

    /// <summary>Plug-in MI in nats from the running sums, current to the last event.</summary>
    public required double LiveMutualInformationNats { get; init; }

    /// <summary>All estimates from one copy of the table.</summary>
    public required DependencyEstimate Estimate { get; init; }

    /// <summary>Bin edges of a numeric feature, for reports.</summary>
    public IReadOnlyList<double>? Edges { get; init; }

    /// <summary>The feature against the reference at the last pane evaluation; null without one.</summary>
    public FeatureDrift? Drift { get; init; }

    /// <summary>The feature's place in the mRMR ranking; null when the monitor keeps no pair tables.</summary>
    public MrmrPlacement? Mrmr { get; init; }
}
