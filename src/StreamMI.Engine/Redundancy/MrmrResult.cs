namespace StreamMI.Engine.Redundancy;

/// <summary>An mRMR ranking of candidates, each array indexed like the candidates.</summary>
/// <param name="DifferenceRank">1-based rank by relevance minus mean redundancy (MID).</param>
/// <param name="DifferenceScore">The MID score at the step the candidate was chosen, in nats.</param>
/// <param name="QuotientRank">1-based rank by relevance over mean redundancy (MIQ).</param>
/// <param name="QuotientScore">The MIQ score at the step the candidate was chosen (the first is its relevance in nats).</param>
public sealed record MrmrResult(
    IReadOnlyList<int> DifferenceRank,
    IReadOnlyList<double> DifferenceScore,
    IReadOnlyList<int> QuotientRank,
    IReadOnlyList<double> QuotientScore);
