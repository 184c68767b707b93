using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Monitoring;

/// <summary>What a monitor needs to know about one field: its name and how to discretise it.</summary>
/// <param name="Name">The field's name or dotted path.</param>
/// <param name="Kind">How raw values become levels.</param>
public sealed record FeatureSpec(string Name, FeatureKind Kind)
{
    /// <summary>Bins of a numeric field whose edges are learned.</summary>
    public int Bins { get; init; } = 10;

    /// <summary>Fixed interior bin edges of a numeric field; null to learn them in the warm-up.</summary>
    public IReadOnlyList<double>? Edges { get; init; }

    /// <summary>
    /// Values of a categorical field that take levels 1, 2, … in this order before any event (a
    /// reference's level dictionary); null to assign levels in order of first appearance.
    /// </summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Distinct values of a categorical field that get a level of their own.</summary>
    public int LevelCap { get; init; } = 4096;

    /// <summary>Hashed buckets shared by a categorical field's values beyond the cap.</summary>
    public int TailBuckets { get; init; } = 256;

    /// <summary>Why this kind was chosen when it was inferred from data; null when configured.</summary>
    public string? InferredBecause { get; init; }
}
