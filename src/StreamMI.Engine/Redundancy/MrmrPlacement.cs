namespace StreamMI.Engine.Redundancy;

/// <summary>Where one feature stands in the monitor's mRMR ranking.</summary>
/// <remarks>
/// Only the features with pair tables (the redundancy set, the top K by relevance) are ranked by
/// mRMR; the others follow them in order of relevance and have no scores.
/// </remarks>
public sealed record MrmrPlacement
{
    /// <summary>1-based rank by relevance minus mean redundancy, over all features.</summary>
    public required int Rank { get; init; }

    /// <summary>True when the feature is in the redundancy set and was ranked by mRMR.</summary>
    public required bool InRedundancySet { get; init; }

    /// <summary>Relevance minus mean redundancy when chosen, in nats; null outside the redundancy set.</summary>
    public double? ScoreNats { get; init; }

    /// <summary>1-based rank by relevance over mean redundancy, over all features.</summary>
    public required int QuotientRank { get; init; }

    /// <summary>Relevance over mean redundancy when chosen; null outside the redundancy set.</summary>
    public double? Quotient { get; init; }
}
