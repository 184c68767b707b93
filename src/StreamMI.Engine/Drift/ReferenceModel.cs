using System.Globalization;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Engine.Drift;

/// <summary>
/// A frozen reference window: the discretisation of every field (kinds, bin edges, level
/// dictionaries, the bucket hash seed) and one feature–target table of counts per feature.
/// </summary>
/// <remarks>
/// The discretisation is part of the reference on purpose: a monitor compared with it must turn
/// values into the same level numbers, or drift would be an artefact of re-binning.
/// <see cref="Align"/> makes a monitor's schema use it, and refuses a monitor that counts other
/// things (another target, other features, other kinds or bins).
/// </remarks>
public sealed class ReferenceModel
{
    /// <summary>Creates a model; <see cref="Validate"/> checks it.</summary>
    public ReferenceModel(
        ReferenceField target,
        IReadOnlyList<ReferenceField> features,
        IReadOnlyList<ReferenceTable> tables,
        ulong hashSeed)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(tables);

        Target = target;
        Features = features;
        Tables = tables;
        HashSeed = hashSeed;
    }

    /// <summary>The target field.</summary>
    public ReferenceField Target { get; }

    /// <summary>The features, in the order of <see cref="Tables"/>.</summary>
    public IReadOnlyList<ReferenceField> Features { get; }

    /// <summary>One table per feature: rows the feature's levels, columns the target's.</summary>
    public IReadOnlyList<ReferenceTable> Tables { get; }

    /// <summary>The seed of the hash that put rare categorical values into buckets.</summary>
    public ulong HashSeed { get; }

    /// <summary>Events in the reference window.</summary>
    public long Events => Tables.Count > 0 ? Tables[0].Total : 0;

    /// <summary>Where the reference came from (a file name, "first window"), for output.</summary>
    public string? Source { get; init; }

    /// <summary>Start of the reference window in Unix milliseconds, when known.</summary>
    public long? StartMs { get; init; }

    /// <summary>End of the reference window in Unix milliseconds, when known.</summary>
    public long? EndMs { get; init; }

    /// <summary>The table of a feature by name, or null.</summary>
    public ReferenceTable? TableOf(string feature)
    {
        for (var i = 0; i < Features.Count; i++)
        {
            if (string.Equals(Features[i].Name, feature, StringComparison.Ordinal))
            {
                return Tables[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Every inconsistency inside the model, each a sentence; empty when it is usable. A model read
    /// from a file that was edited by hand or cut short fails here.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Features.Count == 0)
        {
            problems.Add("The reference has no features.");
        }

        if (Features.Count != Tables.Count)
        {
            problems.Add($"The reference has {Features.Count} features but {Tables.Count} tables.");
            return problems;
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { Target.Name };
        foreach (var feature in Features)
        {
            if (!names.Add(feature.Name))
            {
                problems.Add($"The reference names field '{feature.Name}' twice.");
            }
        }

        CheckField(Target, problems);
        foreach (var feature in Features)
        {
            CheckField(feature, problems);
        }

        var targetCapacity = Capacity(Target);
        var targetCounts = Tables.Count > 0 ? Tables[0].ColumnTotals() : [];
        for (var f = 0; f < Tables.Count; f++)
        {
            var table = Tables[f];
            var name = Features[f].Name;
            if (table.RowLevels > Capacity(Features[f]))
            {
                problems.Add($"Feature '{name}' has counts at level {table.RowLevels - 1}, beyond its {Capacity(Features[f])} levels.");
            }

            if (table.ColumnLevels > targetCapacity)
            {
                problems.Add($"Feature '{name}' has counts at target level {table.ColumnLevels - 1}, beyond the target's {targetCapacity} levels.");
            }

            // Every event is counted once in every feature's table, so all tables share the
            // target's counts.
            if (!table.ColumnTotals().AsSpan().SequenceEqual(targetCounts))
            {
                problems.Add($"Feature '{name}' counts the target differently from feature '{Features[0].Name}'; every table must hold the same events.");
            }
        }

        return problems;
    }

    /// <summary>
    /// Every way <paramref name="schema"/> differs from the reference, each a sentence; empty when
    /// the monitor can be compared with it.
    /// </summary>
    public IReadOnlyList<string> Mismatches(MonitorSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);

        var problems = new List<string>();
        if (!string.Equals(schema.Target.Name, Target.Name, StringComparison.Ordinal))
        {
            problems.Add($"The reference's target is '{Target.Name}'; the monitor's target is '{schema.Target.Name}'.");
        }
        else
        {
            CompareField(Target, schema.Target, "target", problems);
        }

        var mine = schema.Features.Select(f => f.Name).ToList();
        var theirs = Features.Select(f => f.Name).ToList();
        var missing = theirs.Except(mine, StringComparer.Ordinal).ToList();
        var extra = mine.Except(theirs, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"the monitor lacks {string.Join(", ", missing)}");
            }

            if (extra.Count > 0)
            {
                parts.Add($"the reference lacks {string.Join(", ", extra)}");
            }

            problems.Add($"The reference's features are {string.Join(", ", theirs)}; the monitor's are {string.Join(", ", mine)} ({string.Join("; ", parts)}).");
        }

        foreach (var spec in schema.Features)
        {
            if (Features.FirstOrDefault(f => string.Equals(f.Name, spec.Name, StringComparison.Ordinal)) is { } field)
            {
                CompareField(field, spec, $"feature '{spec.Name}'", problems);
            }
        }

        return problems;
    }

    /// <summary>
    /// The schema with the reference's discretisation: its bin edges, level dictionaries and hash
    /// seed. Throws <see cref="ArgumentException"/> listing every mismatch when there is one.
    /// </summary>
    public MonitorSchema Align(MonitorSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);

        var problems = Problems().Concat(Mismatches(schema)).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        var features = schema.Features
            .Select(spec => Fixed(spec, Features.First(f => string.Equals(f.Name, spec.Name, StringComparison.Ordinal))))
            .ToList();
        return new MonitorSchema(schema.Name, features, Fixed(schema.Target, Target), schema.Window)
        {
            WarmUpEvents = schema.WarmUpEvents,
            Pairs = schema.Pairs,
            RedundancyTopK = schema.RedundancyTopK,
            HashSeed = HashSeed,
        };
    }

    /// <summary>Level numbers a field can use: the size of its rows in a table.</summary>
    public static int Capacity(ReferenceField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Kind switch
        {
            FeatureKind.Categorical => 1 + field.LevelCap + field.TailBuckets,
            FeatureKind.Numeric => 2 + (field.Edges?.Count ?? 0),
            _ => BooleanLevels.Capacity,
        };
    }

    private static FeatureSpec Fixed(FeatureSpec spec, ReferenceField field) => spec with
    {
        Edges = field.Kind == FeatureKind.Numeric ? field.Edges : null,
        Values = field.Kind == FeatureKind.Categorical ? field.Values : null,
    };

    private static void CheckField(ReferenceField field, List<string> problems)
    {
        switch (field.Kind)
        {
            case FeatureKind.Numeric:
                var edges = field.Edges ?? [];
                for (var i = 0; i < edges.Count; i++)
                {
                    if (!double.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
                    {
                        problems.Add($"The bin edges of '{field.Name}' are not finite and strictly increasing.");
                        break;
                    }
                }

                if (field.Bins < 2 || edges.Count > field.Bins - 1)
                {
                    problems.Add($"'{field.Name}' has {edges.Count} bin edges for {field.Bins} bins.");
                }

                break;
            case FeatureKind.Categorical:
                if (field.LevelCap < 1 || field.TailBuckets < 1)
                {
                    problems.Add($"'{field.Name}' needs a level cap and tail buckets of at least 1.");
                }
                else if ((field.Values?.Count ?? 0) > field.LevelCap)
                {
                    problems.Add($"'{field.Name}' has {field.Values!.Count} values, more than its level cap of {field.LevelCap}.");
                }
                else if (field.Values is { } values && values.Distinct(StringComparer.Ordinal).Count() != values.Count)
                {
                    problems.Add($"'{field.Name}' lists a value twice in its level dictionary.");
                }

                break;
        }
    }

    private static void CompareField(ReferenceField field, FeatureSpec spec, string what, List<string> problems)
    {
        var kind = field.Kind.ToString().ToLowerInvariant();
        if (field.Kind != spec.Kind)
        {
            problems.Add($"The {what} is {kind} in the reference and {spec.Kind.ToString().ToLowerInvariant()} in the monitor.");
            return;
        }

        if (field.Kind == FeatureKind.Numeric)
        {
            if (spec.Edges is { } edges && !edges.SequenceEqual(field.Edges ?? []))
            {
                problems.Add($"The {what} has bin edges {Format(edges)} in the monitor and {Format(field.Edges ?? [])} in the reference.");
            }
            else if (spec.Edges is null && spec.Bins != field.Bins)
            {
                problems.Add($"The {what} has {field.Bins} bins in the reference and {spec.Bins} in the monitor.");
            }
        }
        else if (field.Kind == FeatureKind.Categorical)
        {
            if (spec.LevelCap != field.LevelCap)
            {
                problems.Add($"The {what} has a level cap of {field.LevelCap} in the reference and {spec.LevelCap} in the monitor.");
            }

            if (spec.TailBuckets != field.TailBuckets)
            {
                problems.Add($"The {what} has {field.TailBuckets} hashed buckets in the reference and {spec.TailBuckets} in the monitor.");
            }
        }
    }

    private static string Format(IReadOnlyList<double> edges) =>
        "[" + string.Join(", ", edges.Select(e => e.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
