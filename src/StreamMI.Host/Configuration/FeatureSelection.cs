using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;

namespace StreamMI.Host.Configuration;

/// <summary>
/// Which fields are features and of what kind, as the command line and the configuration say
/// it. <c>streammi scan</c> and the worker both turn it into a <see cref="MonitorSchema"/> here,
/// so one stream gives one schema whichever way it is read.
/// </summary>
public sealed record FeatureSelection
{
    /// <summary>The target field.</summary>
    public required string Target { get; init; }

    /// <summary>Feature fields; empty for every available field but the target and the excluded.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Fields never used as features.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Categorical fields; <c>*</c> makes every field categorical.</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>Numeric fields.</summary>
    public IReadOnlyList<string> Numeric { get; init; } = [];

    /// <summary>Boolean fields.</summary>
    public IReadOnlyList<string> Boolean { get; init; } = [];

    /// <summary>Bins of numeric fields whose edges are learned.</summary>
    public int Bins { get; init; } = 10;

    /// <summary>Fixed interior bin edges by field.</summary>
    public IReadOnlyDictionary<string, List<double>> Edges { get; init; } = new Dictionary<string, List<double>>();

    /// <summary>Distinct values of a categorical field with a level of their own.</summary>
    public int LevelCap { get; init; } = 4096;

    /// <summary>True when every field is categorical whatever its values.</summary>
    public bool AllCategorical => Categorical.Contains("*");

    /// <summary>Reads the selection from a monitor's settings.</summary>
    public static FeatureSelection From(MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FeatureSelection
        {
            Target = options.Target ?? string.Empty,
            Features = options.Features,
            Exclude = options.Exclude,
            Categorical = options.Categorical,
            Numeric = options.Numeric,
            Boolean = options.Boolean,
            Bins = options.Bins,
            Edges = options.Edges,
            LevelCap = options.LevelCap,
        };
    }

    /// <summary>
    /// The schema for a stream whose fields are <paramref name="available"/>. The kind of a field
    /// not named in any kind list comes from <paramref name="infer"/> (categorical when it has
    /// no answer).
    /// </summary>
    public MonitorSchema BuildSchema(
        string name,
        IReadOnlyList<string> available,
        Func<string, (FeatureKind Kind, string Reason)?> infer,
        WindowSpec window,
        int warmUpEvents)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(infer);

        if (Features.Count == 0 && !available.Contains(Target, StringComparer.Ordinal))
        {
            throw new ConfigurationException(
                $"The target column '{Target}' is not in the input; its columns are: {string.Join(", ", available)}.");
        }

        var excluded = new HashSet<string>(Exclude, StringComparer.Ordinal) { Target };
        var names = Features.Count > 0 ? Features : available;
        var features = names.Where(n => !excluded.Contains(n)).Select(n => Spec(n, infer)).ToList();
        if (features.Count == 0)
        {
            throw new ConfigurationException(
                $"No feature is left once the target '{Target}' and the excluded columns are removed.");
        }

        var target = Numeric.Contains(Target, StringComparer.Ordinal)
            ? Spec(Target, infer)
            : new FeatureSpec(Target, FeatureKind.Categorical) { LevelCap = Math.Min(LevelCap, 1024), TailBuckets = 64 };
        return new MonitorSchema(name, features, target, window) { WarmUpEvents = warmUpEvents };
    }

    private FeatureSpec Spec(string field, Func<string, (FeatureKind Kind, string Reason)?> infer)
    {
        string? reason = null;
        FeatureKind kind;
        if (Numeric.Contains(field, StringComparer.Ordinal))
        {
            kind = FeatureKind.Numeric;
        }
        else if (Boolean.Contains(field, StringComparer.Ordinal))
        {
            kind = FeatureKind.Boolean;
        }
        else if (AllCategorical || Categorical.Contains(field, StringComparer.Ordinal))
        {
            kind = FeatureKind.Categorical;
        }
        else if (infer(field) is { } inferred)
        {
            (kind, reason) = inferred;
        }
        else
        {
            (kind, reason) = (FeatureKind.Categorical, "no values seen to infer from");
        }

        var edges = Edges.TryGetValue(field, out var e) ? e : null;
        return new FeatureSpec(field, kind)
        {
            Bins = Bins,
            Edges = kind == FeatureKind.Numeric ? edges : null,
            LevelCap = LevelCap,
            InferredBecause = reason,
        };
    }
}
