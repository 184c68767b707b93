using System.Text;

namespace StreamMI.Deploy.Tests;

/// <summary>
/// Values for the dashboard's variables, as Grafana would substitute them. Monitor and
/// Feature are RE2 regular expressions: the dashboard uses them only in =~ matchers, and
/// ".+" is what its "All" option stands for. RateInterval replaces $__rate_interval, and
/// Interval replaces $__interval.
/// </summary>
public sealed record DashboardVariables(
    string Monitor = ".+",
    string Feature = ".+",
    string RateInterval = "1m",
    string Interval = "30s")
{
    /// <summary>Every monitor and feature: the dashboard's "All" selection.</summary>
    public static DashboardVariables All { get; } = new();

    /// <summary>One monitor and one feature, by name, as a selection in Grafana gives them.</summary>
    public static DashboardVariables Exactly(string monitor, string feature = ".+") =>
        new(EscapeRegex(monitor), feature == ".+" ? feature : EscapeRegex(feature));

    /// <summary>Escapes the RE2 metacharacters of a literal name.</summary>
    public static string EscapeRegex(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);

        var escaped = new StringBuilder(literal.Length);

        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
