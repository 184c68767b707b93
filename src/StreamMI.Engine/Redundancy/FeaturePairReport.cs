namespace StreamMI.Engine.Redundancy;

/// <summary>The MI between two features over the current window (their redundancy).</summary>
/// <remarks>
/// Pair tables fold levels above their cap (see <see cref="Windows.WindowedTables"/>), so for
/// features with many levels this is the MI of the folded features, a lower bound.
/// </remarks>
public sealed record FeaturePairReport
{
    /// <summary>The first feature.</summary>
    public required string FeatureA { get; init; }

    /// <summary>The second feature.</summary>
    public required string FeatureB { get; init; }

    /// <summary>Events in the pair's table.</summary>
    public required long Events { get; init; }

    /// <summary>Plug-in MI in nats.</summary>
    public required double MutualInformationNats { get; init; }

    /// <summary>Miller–Madow corrected MI in nats; may be slightly negative.</summary>
    public required double MillerMadowNats { get; init; }
}
