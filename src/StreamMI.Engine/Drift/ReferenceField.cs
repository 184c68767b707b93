using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Drift;

/// <summary>
/// How a reference discretised one field. A monitor compared with the reference discretises the
/// field the same way, so a level number means the same value in both windows.
/// </summary>
/// <param name="Name">The field's name or dotted path.</param>
/// <param name="Kind">Categorical, numeric or boolean.</param>
public sealed record ReferenceField(string Name, FeatureKind Kind)
{
    /// <summary>Bins asked for, for a numeric field.</summary>
    public int Bins { get; init; }

    /// <summary>The interior bin edges of a numeric field, as learned or configured.</summary>
    public IReadOnlyList<double>? Edges { get; init; }

    /// <summary>The exact values of a categorical field in level order (level 1 first).</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Distinct values of a categorical field with a level of their own.</summary>
    public int LevelCap { get; init; }

    /// <summary>Hashed buckets of a categorical field beyond the cap.</summary>
    public int TailBuckets { get; init; }
}
