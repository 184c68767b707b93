namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>How the end-to-end test turns the dashboard's queries into plain PromQL.</summary>
public sealed class DashboardQueriesTests
{
    [Theory]
    [InlineData(
        "sum by (monitor) (rate(x_total{monitor=~\"$monitor\"}[$__rate_interval]))",
        "sum by (monitor) (rate(x_total{monitor=~\".*\"}[15s]))")]
    [InlineData(
        "max by (feature) (y{monitor=\"${monitor}\", feature=~\"$feature\", estimator=\"plugin\"})",
        "max by (feature) (y{monitor=~\".*\", feature=~\".*\", estimator=\"plugin\"})")]
    [InlineData("increase(z[$__interval]) + increase(z[${__range}])", "increase(z[15s]) + increase(z[15s])")]
    public void ToPromQl_DashboardVariables_MatchAnythingAndUseTheFixedRange(string expr, string expected)
    {
        Assert.Equal(expected, DashboardQueries.ToPromQl(expr, "15s"));
    }

    [Theory]
    [InlineData("x{monitor!=\"$monitor\"}")]
    [InlineData("topk($limit, x)")]
    public void ToPromQl_VariableItCannotFillIn_Throws(string expr)
    {
        Assert.Throws<NotSupportedException>(() => DashboardQueries.ToPromQl(expr, "15s"));
    }

    [Fact]
    public void Read_ProjectDashboard_FindsEveryTargetAndVariableQuery()
    {
        var path = Path.Combine(EndToEndFixture.RepositoryRoot, "deploy", "grafana", "streammi-dashboard.json");
        var text = File.ReadAllText(path);

        var queries = DashboardQueries.Read(path);

        // Each "expr" key in the file is one panel target or annotation query; each
        // label_values( one variable query.
        var targets = text.Split("\"expr\":").Length - 1;
        var variables = text.Split("label_values(").Length - 1;
        Assert.Equal(targets + variables, queries.Count);
        Assert.Contains(queries, q => q.Source == "variable monitor" && q.Expr == "streammi_window_events");
    }
}
