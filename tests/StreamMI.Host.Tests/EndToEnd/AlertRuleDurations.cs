using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// The one change the end-to-end test makes to deploy/prometheus/streammi-alerts.yaml before
/// loading it: every <c>for:</c> and <c>keep_firing_for:</c> duration is divided by a fixed
/// factor, so alerts meant to wait minutes wait seconds. Nothing else in the file changes:
/// not the expressions, not their range windows, not the thresholds.
/// </summary>
internal static partial class AlertRuleDurations
{
    /// <summary>
    /// Returns <paramref name="yaml"/> with each rule's durations divided by
    /// <paramref name="divisor"/>.
    /// </summary>
    public static string Shorten(string yaml, int divisor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);

        var builder = new StringBuilder(yaml.Length);
        foreach (var line in yaml.Split('\n'))
        {
            var match = DurationLine().Match(line);
            if (match.Success)
            {
                var shortened = Milliseconds(match.Groups["value"].Value) / divisor;
                builder.Append(match.Groups["lead"].Value)
                    .Append(match.Groups["key"].Value)
                    .Append(": ")
                    .Append(shortened.ToString(CultureInfo.InvariantCulture))
                    .Append("ms")
                    .Append(match.Groups["rest"].Value);
            }
            else
            {
                builder.Append(line);
            }

            builder.Append('\n');
        }

        // Split leaves one empty piece after a final newline; it must not add another.
        builder.Length--;
        return builder.ToString();
    }

    /// <summary>A Prometheus duration such as <c>1h30m</c> or <c>500ms</c>, in milliseconds.</summary>
    public static long Milliseconds(string duration)
    {
        var parts = DurationPart().Matches(duration);
        if (parts.Count == 0 || parts.Sum(p => p.Length) != duration.Length)
        {
            throw new FormatException($"'{duration}' is not a Prometheus duration.");
        }

        long total = 0;
        foreach (Match part in parts)
        {
            var amount = long.Parse(part.Groups["amount"].Value, CultureInfo.InvariantCulture);
            total += amount * part.Groups["unit"].Value switch
            {
                "ms" => 1L,
                "s" => 1000L,
                "m" => 60_000L,
                "h" => 3_600_000L,
                "d" => 86_400_000L,
                "w" => 604_800_000L,
                _ => 31_536_000_000L,
            };
        }

        return total;
    }

    [GeneratedRegex(
        @"^(?<lead>\s*(?:-\s+)?)(?<key>for|keep_firing_for):\s*(?<value>[0-9][0-9a-z]*)(?<rest>\s*(?:#.*)?)$")]
    private static partial Regex DurationLine();

    [GeneratedRegex(@"(?<amount>[0-9]+)(?<unit>ms|s|m|h|d|w|y)")]
    private static partial Regex DurationPart();
}
