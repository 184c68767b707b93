using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.State;

/// <summary>How one field of a monitor was discretised when its partition state was saved.</summary>
public sealed record FieldState
{
    /// <summary>The field's name or dotted path.</summary>
    public required string Name { get; init; }

    /// <summary>How its values became levels.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Exact levels of a categorical field before values share hashed buckets.</summary>
    public int LevelCap { get; init; }

    /// <summary>Hashed buckets of a categorical field.</summary>
    public int TailBuckets { get; init; }

    /// <summary>Bins a numeric field asked for.</summary>
    public int Bins { get; init; }

    /// <summary>The frozen interior bin edges of a numeric field; null while they were being learned.</summary>
    public IReadOnlyList<double>? Edges { get; init; }

    /// <summary>
    /// The raw value of each exact categorical level used in the saved panes, by level number.
    /// Level numbers follow arrival order, so a restoring process maps these values to its own
    /// numbers; the missing level and hashed buckets have the same number everywhere.
    /// </summary>
    public IReadOnlyDictionary<int, string> Values { get; init; } = new Dictionary<int, string>();
}
