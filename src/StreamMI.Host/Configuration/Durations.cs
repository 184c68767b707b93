using System.Globalization;

namespace StreamMI.Host.Configuration;

/// <summary>Reads durations written as <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c> or <c>hh:mm:ss</c>.</summary>
public static class Durations
{
    /// <summary>Parses a duration; false when the text is none of the accepted forms.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
        foreach (var (suffix, ms) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n > 0 && double.IsFinite(n))
            {
                value = TimeSpan.FromMilliseconds(n * ms);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }
}
