using System.Text.Json;
using System.Text.RegularExpressions;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// The PromQL of a Grafana dashboard, turned into expressions a plain Prometheus can run:
/// every panel target's <c>expr</c>, every annotation query's <c>expr</c> and every query
/// variable's <c>label_values(EXPR, label)</c>.
/// </summary>
/// <remarks>
/// Grafana fills in its variables before it sends a query. Here a matcher on a dashboard
/// variable (<c>monitor=~"$monitor"</c>) becomes a match-anything regex (<c>monitor=~".*"</c>),
/// as the "All" choice does, and Grafana's interval variables (<c>$__rate_interval</c>,
/// <c>$__interval</c>, <c>$__range</c>) become one fixed range. Anything else with a <c>$</c>
/// is refused, so a new kind of variable shows up as a failure instead of a silently wrong query.
/// </remarks>
internal static partial class DashboardQueries
{
    /// <summary>Every query of the dashboard at <paramref name="path"/>, with where it comes from.</summary>
    public static IReadOnlyList<(string Source, string Expr)> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var queries = new List<(string, string)>();
        if (root.TryGetProperty("panels", out var panels))
        {
            AddPanels(panels, queries);
        }

        if (root.TryGetProperty("annotations", out var annotations)
            && annotations.TryGetProperty("list", out var annotationList))
        {
            foreach (var annotation in annotationList.EnumerateArray())
            {
                var name = annotation.TryGetProperty("name", out var n) ? n.GetString() : "(unnamed)";
                var holder = annotation.TryGetProperty("target", out var target) ? target : annotation;
                if (holder.TryGetProperty("expr", out var expr) && expr.GetString() is { Length: > 0 } text)
                {
                    queries.Add(($"annotation '{name}'", text));
                }
            }
        }

        if (root.TryGetProperty("templating", out var templating)
            && templating.TryGetProperty("list", out var variables))
        {
            foreach (var variable in variables.EnumerateArray())
            {
                if (variable.GetProperty("type").GetString() != "query")
                {
                    continue;
                }

                var query = variable.GetProperty("query");
                var text = query.ValueKind == JsonValueKind.String ? query.GetString() : query.GetProperty("query").GetString();
                var labelValues = LabelValues().Match(text ?? "");
                if (labelValues.Success)
                {
                    queries.Add(($"variable {variable.GetProperty("name").GetString()}", labelValues.Groups["expr"].Value));
                }
            }
        }

        return queries;
    }

    /// <summary>
    /// <paramref name="expr"/> with dashboard variables matching anything and interval
    /// variables replaced by <paramref name="range"/> (a PromQL duration such as <c>15s</c>).
    /// </summary>
    public static string ToPromQl(string expr, string range)
    {
        var promql = VariableMatcher().Replace(expr, m => m.Groups["op"].Value is "=" or "=~"
            ? $"{m.Groups["label"].Value}=~\".*\""
            : throw new NotSupportedException($"A negated matcher on a variable is not handled: {m.Value}"));
        promql = IntervalVariable().Replace(promql, range);
        if (promql.Contains('$', StringComparison.Ordinal))
        {
            throw new NotSupportedException($"A dashboard variable is left after substitution: {promql}");
        }

        return promql;
    }

    private static void AddPanels(JsonElement panels, List<(string, string)> queries)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            var title = panel.TryGetProperty("title", out var t) ? t.GetString() : "(untitled)";
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    if (target.TryGetProperty("expr", out var expr) && expr.GetString() is { Length: > 0 } text)
                    {
                        queries.Add(($"panel '{title}'", text));
                    }
                }
            }

            // Collapsed rows keep their panels inside them.
            if (panel.TryGetProperty("panels", out var nested))
            {
                AddPanels(nested, queries);
            }
        }
    }

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*""\$\{?(?!__)[a-zA-Z_][a-zA-Z0-9_]*(?::[a-z]+)?\}?""")]
    private static partial Regex VariableMatcher();

    [GeneratedRegex(@"\$\{?__(?:rate_interval|interval|range)\}?")]
    private static partial Regex IntervalVariable();

    [GeneratedRegex(@"^\s*label_values\((?<expr>.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$")]
    private static partial Regex LabelValues();
}
