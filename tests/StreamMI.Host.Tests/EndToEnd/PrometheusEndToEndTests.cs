using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamMI.Deploy.Tests;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// A real Prometheus server scrapes the real worker (its own process, reading the embedded Kafka
/// peer on loopback) and evaluates deploy/prometheus/streammi-alerts.yaml; the dashboard's
/// queries and the alerts are checked in that server. See docs/metrics.md for how to run it.
/// </summary>
public sealed partial class PrometheusEndToEndTests : IClassFixture<EndToEndFixture>
{
    private const string Job = "job=\"streammi\"";

    /// <summary>
    /// Series that docs/metrics.md and the dashboard describe but the worker does not export yet
    /// (marginal drift, mRMR). A dashboard query over one of them has no data here and is
    /// reported, not failed; each is taken off this list when the worker exports it.
    /// </summary>
    private static readonly HashSet<string> s_notExportedYet = new(StringComparer.Ordinal)
    {
        "streammi_feature_marginal_psi",
        "streammi_feature_mrmr_rank",
        "streammi_target_psi",
    };

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(45);

    private readonly EndToEndFixture _fixture;
    private readonly ITestOutputHelper _output;

    public PrometheusEndToEndTests(EndToEndFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private PrometheusServer Prometheus => _fixture.Prometheus;

    private static string NewLine => Environment.NewLine;

    [Fact]
    public async Task Scrape_WorkerTarget_IsUpWithItsServiceResource()
    {
        await WaitForDataAsync($"up{{{Job}}} == 1");

        // target_info carries the OpenTelemetry resource, named by OTEL_SERVICE_NAME and
        // OTEL_RESOURCE_ATTRIBUTES in the worker's environment.
        var info = await Prometheus.QueryAsync($"target_info{{{Job}}}");
        var labels = Assert.Single(info).GetProperty("metric");
        Assert.Equal("streammi-e2e", labels.GetProperty("service_name").GetString());
        Assert.Equal("e2e", labels.GetProperty("deployment_environment").GetString());
    }

    [Fact]
    public async Task PromtoolCheckMetrics_RealScrapeOfTheWorker_Passes()
    {
        var promtool = TestTools.Require("promtool", "prometheus");
        var metrics = new Uri("/metrics", UriKind.Relative);
        var scrape = "";
        await Waiting.UntilAsync(
            async () =>
            {
                scrape = await _fixture.Worker.Http.GetStringAsync(metrics);
                return scrape.Contains("streammi_feature_mutual_information{", StringComparison.Ordinal);
            },
            s_wait,
            () => $"No feature series in the worker's scrape.{NewLine}{_fixture.Diagnostics()}");

        var (exitCode, output) = await ChildProcess.RunAsync(
            promtool,
            ["check", "metrics"],
            input: scrape,
            TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"promtool check metrics exited with {exitCode}:{NewLine}{output}");
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public async Task Scrape_EveryCatalogueMetric_IsExported()
    {
        var catalogue = File.ReadAllLines(Path.Combine(EndToEndFixture.RepositoryRoot, "docs", "metrics.md"))
            .Select(line => CatalogueRow().Match(line))
            .Where(m => m.Success)
            .Select(m => (Name: m.Groups["name"].Value, Type: m.Groups["type"].Value.Trim()))
            .ToList();
        Assert.True(catalogue.Count >= 20, $"Only {catalogue.Count} metrics in docs/metrics.md.");

        var expected = catalogue
            .Where(c => !s_notExportedYet.Contains(c.Name))
            .Select(c => c.Type == "histogram" ? c.Name + "_bucket" : c.Name)
            .ToList();
        var missing = new List<string>();
        await Waiting.UntilAsync(
            async () =>
            {
                missing.Clear();
                foreach (var series in expected)
                {
                    if ((await Prometheus.QueryAsync($"{series}{{{Job}}}")).Count == 0)
                    {
                        missing.Add(series);
                    }
                }

                return missing.Count == 0;
            },
            s_wait,
            () => $"Not in Prometheus: {string.Join(", ", missing)}.{NewLine}{_fixture.Diagnostics()}");
    }

    [Fact]
    public async Task Dashboard_EveryQuery_ReturnsData()
    {
        // Every monitor and feature (the dashboard's "All"), and a 15 s rate interval: at least
        // four scrapes, as Grafana's $__rate_interval asks for.
        var dashboard = Path.Combine(
            EndToEndFixture.RepositoryRoot, "deploy", "grafana", "streammi-dashboard.json");
        var variables = new DashboardVariables(RateInterval: "15s", Interval: "15s");
        var queries = DashboardQueries.LoadResolved(dashboard, variables)
            .Select(q => (Source: $"{q.Source} '{q.Title}' {q.RefId}", PromQl: q.Expr))
            .ToList();
        Assert.True(queries.Count >= 10, $"Only {queries.Count} queries read from the dashboard.");

        var pending = queries.Where(q => s_notExportedYet.Any(q.PromQl.Contains)).ToList();
        foreach (var (source, promql) in pending)
        {
            _output.WriteLine($"not checked, its series is not exported yet: {source}: {promql}");
        }

        var empty = new List<string>();
        await Waiting.UntilAsync(
            async () =>
            {
                empty.Clear();
                foreach (var (source, promql) in queries.Except(pending))
                {
                    if ((await Prometheus.QueryAsync(promql)).Count == 0)
                    {
                        empty.Add($"{source}: {promql}");
                    }
                }

                return empty.Count == 0;
            },
            s_wait,
            () => $"Dashboard queries without data:{NewLine}{string.Join(NewLine, empty)}"
                + $"{NewLine}{_fixture.Diagnostics()}");
    }

    [Fact]
    public async Task Alerts_OneMessageInTenMalformed_SkippedEventsHighFires()
    {
        // The stream's own share of malformed messages, as the worker counts it.
        await WaitForDataAsync($"streammi_events_consumed_total{{{Job}}} > 1000");
        var share = await ScalarAsync(
            $"sum(streammi_events_skipped_total{{{Job}}})"
            + $" / sum(streammi_events_consumed_total{{{Job}}})");
        Assert.InRange(share, 0.9 / EndToEndFixture.PoisonEvery, 1.1 / EndToEndFixture.PoisonEvery);

        // 10 % is above the rule's 5 %: the alert fires once its shortened for: has passed.
        await WaitForDataAsync(
            "ALERTS{alertname=\"StreamMISkippedEventsHigh\", alertstate=\"firing\", "
            + $"monitor=\"{EndToEndFixture.MonitorName}\"}}");
    }

    [Fact]
    public async Task Alerts_HealthyStream_StalledAndLagAlertsNeverActive()
    {
        // Eight scrapes of counted events: longer than any shortened for: (at most 3 s), so an
        // alert whose condition held would be pending or firing by now.
        await WaitForDataAsync($"count_over_time(streammi_events_counted_total{{{Job}}}[1m]) >= 8");
        var counting = await ScalarAsync($"sum(increase(streammi_events_counted_total{{{Job}}}[10m]))");
        Assert.True(counting > 0, $"The worker counted nothing: {counting}.");

        var rules = await Prometheus.RulesAsync();
        foreach (var alert in new[] { "StreamMIMonitorStalled", "StreamMIConsumerLagGrowing" })
        {
            var rule = rules[alert];
            Assert.Equal("ok", rule.GetProperty("health").GetString());
            Assert.Equal("inactive", rule.GetProperty("state").GetString());
            var everActive = await Prometheus.QueryAsync(
                $"count_over_time(ALERTS{{alertname=\"{alert}\"}}[10m])");
            Assert.True(everActive.Count == 0, $"{alert} was active: {string.Join(", ", everActive)}");
        }
    }

    [Fact]
    public async Task Alerts_DriftInjected_DependencyDriftFiresAfterTheInjectionAndNotBefore()
    {
        const string Drift = "ALERTS{alertname=\"StreamMIDependencyDrift\"}";

        // Before: the drift state of the concept feature has been evaluated for eight scrapes
        // with a full window, longer than the rule's shortened for: (3 s), on a stream whose
        // dependencies do not change. The alert must not have been pending or firing.
        await WaitForDataAsync(
            $"count_over_time(streammi_feature_drift_state{{{Job}, feature=\"concept\"}}[1m]) >= 8"
            + $" and on (job, instance, monitor) streammi_window_events{{{Job}}} >= 1000");
        var before = await Prometheus.QueryAsync($"count_over_time({Drift}[10m])");
        Assert.True(
            before.Count == 0,
            $"StreamMIDependencyDrift was active before the injection: {string.Join(", ", before)}");

        // The synthetic stream's concept follows the label 70 % of the time before its drift
        // point and is independent of it after: its dependency on the target is lost.
        _fixture.Producer.InjectDrift();

        await Waiting.UntilAsync(
            async () => (await Prometheus.QueryAsync(
                "ALERTS{alertname=\"StreamMIDependencyDrift\", alertstate=\"firing\", "
                + $"monitor=\"{EndToEndFixture.MonitorName}\", feature=\"concept\"}}")).Count > 0,
            TimeSpan.FromSeconds(60),
            () => "StreamMIDependencyDrift did not fire for concept after the injection; drift z "
                + $"and state: {DriftSeries().GetAwaiter().GetResult()}{NewLine}{_fixture.Diagnostics()}");
    }

    private async Task<string> DriftSeries()
    {
        var series = await Prometheus.QueryAsync(
            $"{{__name__=~\"streammi_feature_drift_(z|state)\", {Job}}}");
        return string.Join(", ", series);
    }

    private async Task WaitForDataAsync(string promql) =>
        await Waiting.UntilAsync(
            async () => (await Prometheus.QueryAsync(promql)).Count > 0,
            s_wait,
            () => $"No data for {promql}.{NewLine}{_fixture.Diagnostics()}");

    private async Task<double> ScalarAsync(string promql)
    {
        var result = Assert.Single(await Prometheus.QueryAsync(promql));
        var value = result.GetProperty("value")[1].GetString()!;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\|\s*`[^`]+`\s*\|\s*`(?<name>streammi_[a-z_]+)`\s*\|(?<type>[^|]+)\|")]
    private static partial Regex CatalogueRow();
}
