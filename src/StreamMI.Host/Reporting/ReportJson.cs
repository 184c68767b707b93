using System.Text.Json;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Reporting;

/// <summary>
/// Writes monitor snapshots and feature reports as JSON. <c>streammi scan --json</c> and the
/// worker's <c>/api/v1/snapshot</c> both write features here, so their fields are the same.
/// </summary>
public static class ReportJson
{
    private const double Ln2 = 0.6931471805599453;

    /// <summary>Writes one feature's object.</summary>
    public static void WriteFeature(Utf8JsonWriter writer, FeatureReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);

        var e = report.Estimate;
        writer.WriteStartObject();
        writer.WriteString("feature", report.Feature);
        writer.WriteString("kind", report.Kind.ToString().ToLowerInvariant());
        if (report.KindReason is { } reason)
        {
            writer.WriteString("kind_reason", reason);
        }

        writer.WriteNumber("levels", e.RowLevels);
        writer.WriteBoolean("capped", report.Capped);
        Number(writer, "mi_bits", e.MutualInformationBits);
        Number(writer, "mi_miller_madow_bits", e.MillerMadowBits);
        Number(writer, "ami", e.AdjustedMutualInformation);
        Number(writer, "nmi", e.NormalizedMutualInformation);
        Number(writer, "nmi_geometric", e.NormalizedGeometric);
        Number(writer, "uncertainty_coefficient", e.UncertaintyCoefficient);
        Number(writer, "entropy_feature_bits", e.EntropyRowsNats / Ln2);
        Number(writer, "entropy_target_bits", e.EntropyColumnsNats / Ln2);
        Number(writer, "g", e.GStatistic);
        Number(writer, "dof", e.DegreesOfFreedom);
        Number(writer, "p_value", e.PValue);
        Number(writer, "se_bits", e.StandardErrorNats / Ln2);
        writer.WriteNumber("events", e.Total);
        if (report.Edges is { } edges)
        {
            writer.WriteStartArray("edges");
            foreach (var edge in edges)
            {
                Number(writer, null, edge);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the skipped counts by reason.</summary>
    public static void WriteSkipped(Utf8JsonWriter writer, IReadOnlyDictionary<string, long> skipped)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(skipped);

        writer.WriteStartObject("skipped");
        foreach (var (reason, count) in skipped.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(reason, count);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a number, or null where it is not finite (JSON has no NaN).</summary>
    public static void Number(Utf8JsonWriter writer, string? name, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (name is not null)
        {
            writer.WritePropertyName(name);
        }

        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
