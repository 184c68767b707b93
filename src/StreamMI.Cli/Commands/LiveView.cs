using System.Globalization;
using System.Text;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Reporting;
using StreamMI.Host.Telemetry;

namespace StreamMI.Cli.Commands;

/// <summary>
/// The demo's terminal view: features ranked by MI with their drift against the reference and
/// their mRMR rank, window fill, events per second and the target's prior drift.
/// </summary>
internal static class LiveView
{
    private const double Ln2 = 0.6931471805599453;

    public static async Task<long> WriteAsync(TextWriter stdout, SnapshotCache cache, long lastCounted, bool interactive, long driftAfter)
    {
        var ci = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        long counted = lastCounted;
        foreach (var (monitor, s) in cache.Current())
        {
            counted = s.Counted;
            var rate = s.Counted - lastCounted;
            text.AppendLine(ci, $"monitor {monitor}: {s.Counted:N0} counted ({rate:N0}/s), window {s.WindowEvents:N0} events, fill {s.WindowFill:P0}, drift injected after event {driftAfter:N0}");
            text.AppendLine(Reference(s.Drift));
            text.AppendLine(ci, $"  {"feature",-12} {"kind",-11} {"MI bits",9} {"MM bits",9} {"NMI",7} {"p-value",9} {"ref MM",9} {"z",8} {"drift",-10} {"PSI",7} {"mRMR",4}");
            foreach (var f in s.Features)
            {
                var e = f.Estimate;
                text.Append(ci, $"  {f.Feature,-12} {f.Kind.ToString().ToLowerInvariant(),-11} {e.MutualInformationBits,9:F4} {e.MillerMadowBits,9:F4} {e.NormalizedMutualInformation,7:F4} {e.PValue,9:G3}");
                text.Append(f.Drift is { } d
                    ? string.Create(ci, $" {d.ReferenceCorrectedNats / Ln2,9:F4} {d.Change.Z,8:F1} {State(d),-10} {d.Marginal.Psi,7:F3}")
                    : string.Create(ci, $" {"-",9} {"-",8} {"-",-10} {"-",7}"));
                text.AppendLine(f.Mrmr is { } m ? string.Create(ci, $" {m.Rank,4}") : $" {"-",4}");
            }

            if (s.Drift?.Last is { } last)
            {
                text.AppendLine(ci, $"  target '{s.Target}' prior: PSI {last.Target.Psi:F3}, Jensen-Shannon {last.Target.JensenShannonBits:F4} bits{(last.TargetShifted ? ", shifted" : string.Empty)}");
            }

            var skipped = s.Skipped.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value}");
            text.AppendLine("  skipped: " + (skipped.Any() ? string.Join(", ", skipped) : "none"));
        }

        if (text.Length == 0)
        {
            text.AppendLine("waiting for the first events…");
        }

        await stdout.WriteAsync(interactive ? "\u001b[H\u001b[2J" + text : text.ToString());
        return counted;
    }

    private static string State(FeatureDrift drift) =>
        drift.Verdict == DriftVerdict.Insufficient ? "too few" : ReportJson.StateName(drift.State)
            + (drift.MarginalShifted ? "+psi" : string.Empty);

    private static string Reference(MonitorDrift? drift)
    {
        if (drift is null)
        {
            return "  no reference: drift is off";
        }

        var ci = CultureInfo.InvariantCulture;
        var kind = ReportJson.ReferenceName(drift.Reference);
        if (!drift.Ready)
        {
            return $"  reference: {kind}, waiting for it to fill";
        }

        var span = drift.ReferenceStartMs is { } start && drift.ReferenceEndMs is { } end
            ? string.Create(ci, $" {DateTimeOffset.FromUnixTimeMilliseconds(start):HH:mm:ss}–{DateTimeOffset.FromUnixTimeMilliseconds(end):HH:mm:ss}")
            : string.Empty;
        return string.Create(ci, $"  reference: {kind}{span}, {drift.ReferenceEvents:N0} events; {drift.Evaluations:N0} pane evaluations, z ≥ {drift.Settings.ZThreshold}, {MultipleComparisons.Name(drift.Settings.Correction)} at {drift.Settings.SignificanceLevel}");
    }
}
