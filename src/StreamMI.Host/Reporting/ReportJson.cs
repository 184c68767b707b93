using System.Text.Json;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Redundancy;

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

        if (report.Drift is { } drift)
        {
            WriteFeatureDrift(writer, drift);
        }

        if (report.Mrmr is { } mrmr)
        {
            writer.WriteStartObject("mrmr");
            writer.WriteNumber("rank", mrmr.Rank);
            writer.WriteBoolean("in_redundancy_set", mrmr.InRedundancySet);
            Number(writer, "score_bits", (mrmr.ScoreNats ?? double.NaN) / Ln2);
            writer.WriteNumber("quotient_rank", mrmr.QuotientRank);
            Number(writer, "quotient", mrmr.Quotient ?? double.NaN);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes a monitor's <c>drift</c> member: the reference, the thresholds and correction in use,
    /// and the target's shift at the last evaluation; null when the monitor has no reference.
    /// </summary>
    public static void WriteDrift(Utf8JsonWriter writer, MonitorDrift? drift)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (drift is null)
        {
            writer.WriteNull("drift");
            return;
        }

        var s = drift.Settings;
        writer.WriteStartObject("drift");
        writer.WriteString("reference", ReferenceName(drift.Reference));
        if (drift.ReferenceSource is { } source)
        {
            writer.WriteString("source", source);
        }

        if (drift.Reference == ReferenceKind.Lagged)
        {
            writer.WriteNumber("lag_panes", drift.LagPanes);
        }

        writer.WriteBoolean("ready", drift.Ready);
        writer.WriteNumber("reference_events", drift.ReferenceEvents);
        Time(writer, "reference_start", drift.ReferenceStartMs);
        Time(writer, "reference_end", drift.ReferenceEndMs);
        writer.WriteNumber("evaluations", drift.Evaluations);
        Time(writer, "evaluated_window_end", drift.EvaluatedWindowEndMs);
        writer.WriteNumber("evaluated_window_events", drift.EvaluatedWindowEvents);
        writer.WriteString("correction", MultipleComparisons.Name(s.Correction));
        Number(writer, "significance_level", s.SignificanceLevel);
        Number(writer, "z_threshold", s.ZThreshold);
        Number(writer, "clear_z", s.ClearZ);
        Number(writer, "minimum_delta_bits", s.MinimumDeltaNats / Ln2);
        writer.WriteNumber("minimum_events", s.MinimumEvents);
        writer.WriteNumber("persistence_panes", s.PersistencePanes);
        writer.WriteNumber("clear_panes", s.ClearPanes);
        Number(writer, "psi_threshold", s.PsiThreshold);
        if (drift.Last is { } last)
        {
            writer.WritePropertyName("target");
            WriteShift(writer, last.Target, null, last.TargetShifted);
        }
        else
        {
            writer.WriteNull("target");
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a monitor's <c>pairs</c> array: MI between the features of each pair table.</summary>
    public static void WritePairs(Utf8JsonWriter writer, IReadOnlyList<FeaturePairReport> pairs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(pairs);

        writer.WriteStartArray("pairs");
        foreach (var pair in pairs)
        {
            writer.WriteStartObject();
            writer.WriteString("feature_a", pair.FeatureA);
            writer.WriteString("feature_b", pair.FeatureB);
            writer.WriteNumber("events", pair.Events);
            Number(writer, "mi_bits", pair.MutualInformationNats / Ln2);
            Number(writer, "mi_miller_madow_bits", pair.MillerMadowNats / Ln2);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a Unix-millisecond time as ISO 8601, or null when unknown or out of range.</summary>
    public static void Time(Utf8JsonWriter writer, string name, long? unixMs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (unixMs is { } ms && ms > -62135596800000 && ms < 253402300799999)
        {
            writer.WriteString(name, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The name output gives a drift state.</summary>
    public static string StateName(DriftState state) => state switch
    {
        DriftState.Drifting => "drifting",
        DriftState.Suspected => "suspected",
        _ => "none",
    };

    /// <summary>The name output gives a kind of reference.</summary>
    public static string ReferenceName(ReferenceKind kind) => kind switch
    {
        ReferenceKind.FirstWindow => "first-window",
        ReferenceKind.Lagged => "lagged",
        _ => "frozen",
    };

    private static void WriteFeatureDrift(Utf8JsonWriter writer, FeatureDrift drift)
    {
        writer.WriteStartObject("drift");
        writer.WriteString("state", StateName(drift.State));
        writer.WriteString("verdict", drift.Verdict.ToString().ToLowerInvariant());
        Number(writer, "reference_mi_bits", drift.ReferencePlugInNats / Ln2);
        Number(writer, "reference_mi_miller_madow_bits", drift.ReferenceCorrectedNats / Ln2);
        Number(writer, "current_mi_miller_madow_bits", drift.CurrentCorrectedNats / Ln2);
        Number(writer, "delta_bits", drift.Change.DeltaNats / Ln2);
        Number(writer, "se_bits", drift.Change.StandardErrorNats / Ln2);
        Number(writer, "z", drift.Change.Z);
        Number(writer, "p_value", drift.Change.PValue);
        Number(writer, "q_value", drift.AdjustedPValue);
        writer.WritePropertyName("marginal");
        WriteShift(writer, drift.Marginal, drift.MarginalAdjustedPValue, drift.MarginalShifted);
        writer.WriteEndObject();
    }

    private static void WriteShift(Utf8JsonWriter writer, MarginalShift shift, double? adjusted, bool shifted)
    {
        writer.WriteStartObject();
        Number(writer, "psi", shift.Psi);
        Number(writer, "js_bits", shift.JensenShannonBits);
        Number(writer, "g", shift.GStatistic);
        writer.WriteNumber("dof", shift.DegreesOfFreedom);
        Number(writer, "p_value", shift.PValue);
        if (adjusted is { } q)
        {
            Number(writer, "q_value", q);
        }

        writer.WriteBoolean("shifted", shifted);
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
