using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Host.Configuration;

namespace StreamMI.Host.References;

/// <summary>
/// How a reference file fills in what a monitor or a scan leaves open: its features, their kinds,
/// and the kind of the target. What the user does name must then match the reference.
/// </summary>
public static class ReferenceSelection
{
    /// <summary>
    /// The selection with the reference's features when it names none, and a numeric or boolean
    /// target listed as such when the reference's target is.
    /// </summary>
    public static FeatureSelection Complete(FeatureSelection selection, ReferenceModel model)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(model);

        var completed = selection.Features.Count > 0
            ? selection
            : selection with { Features = [.. model.Features.Select(f => f.Name).Where(n => !selection.Exclude.Contains(n, StringComparer.Ordinal))] };

        var target = model.Target;
        var named = selection.Numeric.Concat(selection.Boolean).Concat(selection.Categorical)
            .Contains(target.Name, StringComparer.Ordinal);
        return (named, target.Kind) switch
        {
            (false, FeatureKind.Numeric) => completed with { Numeric = [.. selection.Numeric, target.Name] },
            (false, FeatureKind.Boolean) => completed with { Boolean = [.. selection.Boolean, target.Name] },
            _ => completed,
        };
    }

    /// <summary>Kinds for fields the selection does not name: the reference's, else <paramref name="fallback"/>'s.</summary>
    public static Func<string, (FeatureKind Kind, string Reason)?> Kinds(
        ReferenceModel model,
        Func<string, (FeatureKind Kind, string Reason)?> fallback)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fallback);

        return field => model.Features.FirstOrDefault(f => string.Equals(f.Name, field, StringComparison.Ordinal)) is { } known
            ? (known.Kind, "as in the reference")
            : fallback(field);
    }

    /// <summary>
    /// The schema a monitor with a reference counts by, before the engine aligns it to the
    /// reference: the completed selection, with the reference's kinds for fields it does not name.
    /// </summary>
    public static Engine.Monitoring.MonitorSchema BuildSchema(
        FeatureSelection selection,
        ReferenceModel model,
        string name,
        IReadOnlyList<string> available,
        Func<string, (FeatureKind Kind, string Reason)?> infer,
        Engine.Windows.WindowSpec window,
        int warmUpEvents)
    {
        var completed = Complete(selection, model);
        return completed.BuildSchema(name, available, Kinds(model, infer), window, warmUpEvents);
    }
}
