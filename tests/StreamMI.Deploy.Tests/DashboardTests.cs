using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed partial class DashboardTests
{
    private const string Dashboard = "deploy/grafana/streammi-dashboard.json";

    [Fact]
    public async Task TypecheckDashboard_Dashboard_MatchesGrafanaSchemaTypes()
    {
        var result = await NodeScripts.RunAsync("typecheck-dashboard.mjs", Repository.PathOf(Dashboard));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("dashboard type-checks: 14 panels, 34 queries", result.StandardOutput, StringComparison.Ordinal);
    }

    // The check must reject what Grafana would not understand: a colour mode it does not
    // have, a bar gauge option it does not know, a number written as a string.
    [Theory]
    [InlineData("\"palette-classic\"", "\"palette-clasic\"", "palette-clasic")]
    [InlineData("\"showUnfilled\"", "\"showUnfiled\"", "showUnfiled")]
    [InlineData("\"schemaVersion\": 39", "\"schemaVersion\": \"39\"", "not assignable to type 'number'")]
    public async Task TypecheckDashboard_WrongField_FailsSayingWhat(string original, string wrong, string message)
    {
        var text = Repository.ReadText(Dashboard);
        Assert.Contains(original, text, StringComparison.Ordinal);
        var file = TempFiles.NewPath("dashboard.json");
        await File.WriteAllTextAsync(file, text.Replace(original, wrong, StringComparison.Ordinal));

        var result = await NodeScripts.RunAsync("typecheck-dashboard.mjs", expectFailure: true, file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error TS", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(message, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void DashboardQueries_Load_FindsEveryExpressionInTheFile()
    {
        // An independent count: every "expr" key in the raw text.
        var text = Repository.ReadText(Dashboard);
        var exprKeys = ExprKey().Count(text);

        var queries = DashboardQueries.Load(Repository.PathOf(Dashboard));

        Assert.Equal(exprKeys, queries.Count(q => q.Source is "panel" or "annotation"));
        Assert.Equal(34, queries.Count(q => q.Source == "panel"));
        Assert.Equal(["monitor", "feature"], queries.Where(q => q.Source == "variable").Select(q => q.Title));
    }

    [Fact]
    public void DashboardQueries_Load_EveryPanelQueryFiltersByMonitor()
    {
        var queries = DashboardQueries.Load(Repository.PathOf(Dashboard)).Where(q => q.Source == "panel");

        Assert.All(queries, q => Assert.Contains("monitor=~\"$monitor\"", q.Expr, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DashboardQueries_Resolved_AllParseAsPromQL()
    {
        var all = DashboardQueries.LoadResolved(Repository.PathOf(Dashboard));
        var one = DashboardQueries.LoadResolved(
            Repository.PathOf(Dashboard), DashboardVariables.Exactly("orders.eu", "country (iso)"));

        // promtool parses the PromQL of every recording rule it checks.
        var rules = new StringBuilder("{\"groups\": [{\"name\": \"dashboard\", \"rules\": [");
        var expressions = all.Concat(one).Select(q => q.Expr).ToList();
        rules.AppendJoin(',', expressions.Select((expr, i) =>
            new JsonObject { ["record"] = $"dashboard:query_{i}", ["expr"] = expr }.ToJsonString()));
        rules.Append("]}]}");
        var file = TempFiles.NewPath("dashboard-rules.json");
        await File.WriteAllTextAsync(file, rules.ToString());

        var result = await ToolRunner.RunAsync("promtool", ["check", "rules", file]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"SUCCESS: {expressions.Count} rules found", result.StandardOutput, StringComparison.Ordinal);
        Assert.All(expressions, expr => Assert.DoesNotContain("$", expr, StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_ExactNames_AreEscapedForRegexAndString()
    {
        var resolved = DashboardQueries.Resolve(
            "rate(x{monitor=~\"$monitor\", feature=~\"${feature}\"}[$__rate_interval])",
            DashboardVariables.Exactly("a.b", "c\"d") with { RateInterval = "2m" });

        Assert.Equal("rate(x{monitor=~\"a\\\\.b\", feature=~\"c\\\"d\"}[2m])", resolved);
    }

    [Fact]
    public void Resolve_UnknownVariable_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => DashboardQueries.Resolve("x[$__range]", DashboardVariables.All));

        Assert.Contains("$__range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValuesToPromQL_WithAndWithoutSelector_CountsByTheLabel()
    {
        Assert.Equal(
            "count by (feature) (m{monitor=~\"$monitor\"})",
            DashboardQueries.LabelValuesToPromQL("label_values(m{monitor=~\"$monitor\"}, feature)"));
        Assert.Equal(
            "count by (monitor) ({monitor!=\"\"})",
            DashboardQueries.LabelValuesToPromQL("label_values(monitor)"));
    }

    [Fact]
    public void DashboardAlertsAndTests_UseOnlyMetricsOfTheCatalogue()
    {
        var catalogue = CatalogueMetrics();
        var alerts = Repository.ReadText("deploy/prometheus/streammi-alerts.yaml");
        var alertTests = Repository.ReadText("deploy/prometheus/streammi-alerts.test.yaml");
        var dashboard = DashboardQueries.Load(Repository.PathOf(Dashboard)).Select(q => q.Expr);

        foreach (var (where, text) in new[]
        {
            ("alert rules", alerts), ("alert tests", alertTests), ("dashboard", string.Join('\n', dashboard)),
        })
        {
            var unknown = MetricName().Matches(text).Select(m => m.Value)
                .Where(name => !catalogue.Contains(name))
                .Distinct(StringComparer.Ordinal)
                .ToList();

            Assert.True(unknown.Count == 0, $"{where} use metrics missing from docs/metrics.md: {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void Dashboard_ShowsEveryMetricOfTheCatalogue()
    {
        var used = DashboardQueries.Load(Repository.PathOf(Dashboard))
            .SelectMany(q => MetricName().Matches(q.Expr).Select(m => m.Value))
            .Select(name => Regex.Replace(name, "_bucket$", string.Empty))
            .ToHashSet(StringComparer.Ordinal);

        var catalogue = CatalogueTable();

        Assert.Equal(24, catalogue.Count);
        Assert.DoesNotContain(catalogue, name => !used.Contains(name));
    }

    // The Prometheus names of docs/metrics.md's tables, with a histogram's series suffixes.
    private static HashSet<string> CatalogueMetrics()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);

        foreach (var name in CatalogueTable())
        {
            names.Add(name);
            if (name.EndsWith("_seconds", StringComparison.Ordinal))
            {
                names.UnionWith([$"{name}_bucket", $"{name}_sum", $"{name}_count"]);
            }
        }

        return names;
    }

    private static List<string> CatalogueTable() =>
        CatalogueRow().Matches(Repository.ReadText("docs/metrics.md"))
            .Select(m => m.Groups[1].Value)
            .ToList();

    [GeneratedRegex("\"expr\":")]
    private static partial Regex ExprKey();

    [GeneratedRegex(@"\bstreammi_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^\| `streammi\.[a-z_.]+` \| `(streammi_[a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex CatalogueRow();
}
