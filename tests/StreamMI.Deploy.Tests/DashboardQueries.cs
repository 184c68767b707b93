using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamMI.Deploy.Tests;

/// <summary>
/// Reads every PromQL expression of a Grafana dashboard JSON (deploy/grafana/streammi-dashboard.json)
/// and substitutes the dashboard's variables, so that a test can run the dashboard's own
/// queries against a real Prometheus.
/// </summary>
/// <remarks>
/// Covers panel targets (including panels nested in rows), annotation queries and the
/// label_values(...) queries of template variables. Variables may be written $name, ${name}
/// or [[name]]; a variable other than monitor, feature, __rate_interval and __interval makes
/// <see cref="Resolve"/> throw, so that a new variable cannot go untested unnoticed.
/// </remarks>
public static partial class DashboardQueries
{
    /// <summary>The queries as written in the dashboard, variables included.</summary>
    public static IReadOnlyList<DashboardQuery> Load(string dashboardPath)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(dashboardPath))
            ?? throw new InvalidDataException($"{dashboardPath} holds no JSON value.");

        var queries = new List<DashboardQuery>();

        foreach (var panel in Panels(dashboard))
        {
            var id = panel["id"]?.GetValue<int>();
            var title = panel["title"]?.GetValue<string>() ?? string.Empty;

            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                var expr = target?["expr"]?.GetValue<string>();

                if (string.IsNullOrWhiteSpace(expr))
                {
                    continue;
                }

                queries.Add(new DashboardQuery(
                    "panel",
                    id,
                    title,
                    target!["refId"]?.GetValue<string>() ?? string.Empty,
                    expr,
                    target["instant"]?.GetValue<bool>() ?? false));
            }
        }

        foreach (var annotation in dashboard["annotations"]?["list"]?.AsArray() ?? [])
        {
            var expr = annotation?["target"]?["expr"]?.GetValue<string>()
                ?? annotation?["expr"]?.GetValue<string>();

            if (!string.IsNullOrWhiteSpace(expr))
            {
                var name = annotation!["name"]?.GetValue<string>() ?? string.Empty;
                queries.Add(new DashboardQuery("annotation", null, name, name, expr, false));
            }
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable?["type"]?.GetValue<string>() != "query")
            {
                continue;
            }

            var query = variable["query"] is JsonObject queryObject
                ? queryObject["query"]?.GetValue<string>()
                : variable["query"]?.GetValue<string>();
            var name = variable["name"]?.GetValue<string>() ?? string.Empty;

            if (query is not null)
            {
                queries.Add(new DashboardQuery(
                    "variable", null, name, name, LabelValuesToPromQL(query), true));
            }
        }

        return queries;
    }

    /// <summary>The queries with every variable substituted.</summary>
    public static IReadOnlyList<DashboardQuery> LoadResolved(
        string dashboardPath,
        DashboardVariables? variables = null)
    {
        var values = variables ?? DashboardVariables.All;

        return Load(dashboardPath)
            .Select(query => query with { Expr = Resolve(query.Expr, values) })
            .ToList();
    }

    /// <summary>Substitutes the dashboard's variables in one expression.</summary>
    public static string Resolve(string expr, DashboardVariables variables)
    {
        ArgumentNullException.ThrowIfNull(expr);
        ArgumentNullException.ThrowIfNull(variables);

        return VariablePattern().Replace(expr, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value
                : match.Groups["bracketed"].Success ? match.Groups["bracketed"].Value
                : match.Groups["plain"].Value;

            return name switch
            {
                "monitor" => QuoteInsideString(variables.Monitor),
                "feature" => QuoteInsideString(variables.Feature),
                "__rate_interval" => variables.RateInterval,
                "__interval" => variables.Interval,
                _ => throw new InvalidOperationException(
                    $"The dashboard uses the variable ${name}, which DashboardQueries does not "
                    + $"know how to substitute, in: {expr}"),
            };
        });
    }

    /// <summary>
    /// Grafana's label_values(selector, label) as the PromQL query whose series carry the
    /// same label values: count by (label) (selector). label_values(label) alone becomes
    /// count by (label) ({label!=""}).
    /// </summary>
    public static string LabelValuesToPromQL(string query)
    {
        ArgumentNullException.ThrowIfNull(query);

        var match = LabelValuesPattern().Match(query);

        if (!match.Success)
        {
            throw new InvalidOperationException($"Not a label_values(...) query: {query}");
        }

        var label = match.Groups["label"].Value;
        var selector = match.Groups["selector"].Success
            ? match.Groups["selector"].Value.Trim()
            : $"{{{label}!=\"\"}}";

        return $"count by ({label}) ({selector})";
    }

    private static IEnumerable<JsonNode> Panels(JsonNode dashboard)
    {
        foreach (var panel in dashboard["panels"]?.AsArray() ?? [])
        {
            if (panel is null)
            {
                continue;
            }

            yield return panel;

            // A row's own panels when it is collapsed; an open row's panels follow it in
            // the top-level list instead.
            foreach (var nested in panel["panels"]?.AsArray() ?? [])
            {
                if (nested is not null)
                {
                    yield return nested;
                }
            }
        }
    }

    // The dashboard's variables appear inside double-quoted PromQL strings, where a
    // backslash or a double quote of a regular expression must itself be escaped.
    private static string QuoteInsideString(string regex) =>
        regex.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::\w+)?\}|\[\[(?<bracketed>\w+)\]\]|\$(?<plain>\w+)")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^\s*label_values\(\s*(?:(?<selector>.+),\s*)?(?<label>\w+)\s*\)\s*$")]
    private static partial Regex LabelValuesPattern();
}
