using System.Globalization;
using System.Text;
using StreamMI.Host.Telemetry;

namespace StreamMI.Cli.Commands;

/// <summary>The demo's terminal view: features ranked by MI, window fill and events per second.</summary>
internal static class LiveView
{
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
            text.AppendLine(ci, $"  {"feature",-12} {"kind",-11} {"MI bits",9} {"MM bits",9} {"NMI",7} {"p-value",9}");
            foreach (var f in s.Features)
            {
                var e = f.Estimate;
                text.AppendLine(ci, $"  {f.Feature,-12} {f.Kind.ToString().ToLowerInvariant(),-11} {e.MutualInformationBits,9:F4} {e.MillerMadowBits,9:F4} {e.NormalizedMutualInformation,7:F4} {e.PValue,9:G3}");
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
}
