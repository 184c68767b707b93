using System.Globalization;
using System.Text.Json;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> binary) on loopback, with its storage in
/// a temporary directory, scraping one target and evaluating one rule file every second.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly ChildProcess _process;

    private PrometheusServer(ChildProcess process, int port)
    {
        _process = process;
        Http = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public HttpClient Http { get; }

    /// <summary>The server's process, for failure messages.</summary>
    public ChildProcess Process => _process;

    /// <summary>
    /// Writes the configuration into <paramref name="directory"/> and starts the server: job
    /// <c>streammi</c> scrapes <paramref name="target"/> (<c>127.0.0.1:PORT</c>) every second and
    /// the rules of <paramref name="ruleFile"/> are evaluated every second.
    /// </summary>
    public static PrometheusServer Start(string directory, string target, string ruleFile, int port)
    {
        var binary = TestTools.Require("prometheus", "prometheus");
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - {ruleFile}
            scrape_configs:
              - job_name: streammi
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);

        var process = ChildProcess.Start(
            "prometheus",
            binary,
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                "--log.level=warn",
            ],
            directory);
        return new PrometheusServer(process, port);
    }

    /// <summary>Waits, bounded, until the server answers <c>/-/ready</c>.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        await Waiting.UntilAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"Prometheus exited at start.{Environment.NewLine}{_process.Tail()}");
                }

                try
                {
                    using var response = await Http.GetAsync(new Uri("/-/ready", UriKind.Relative));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            timeout,
            () => $"Prometheus did not become ready.{Environment.NewLine}{_process.Tail()}");
    }

    /// <summary>Runs an instant query; returns its result vector, empty when there is no data.</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promql)
    {
        var uri = new Uri("/api/v1/query?query=" + Uri.EscapeDataString(promql), UriKind.Relative);
        using var response = await Http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused the query {promql}: {body}");
        }

        var data = root.GetProperty("data");
        return data.GetProperty("resultType").GetString() == "vector"
            ? [.. data.GetProperty("result").EnumerateArray().Select(e => e.Clone())]
            : [data.GetProperty("result").Clone()];
    }

    /// <summary>The rules as the server loaded them (<c>/api/v1/rules</c>), by name.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> RulesAsync()
    {
        var body = await Http.GetStringAsync(new Uri("/api/v1/rules", UriKind.Relative));
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .ToDictionary(
                r => r.GetProperty("name").GetString()!,
                r => r.Clone(),
                StringComparer.Ordinal);
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
    }
}
