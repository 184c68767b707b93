using System.Net;
using System.Net.Sockets;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// Everything the end-to-end tests look at, started once for the class: the embedded Kafka
/// peer with a two-partition topic, a producer of the synthetic stream (500 events a second,
/// every tenth message malformed), the worker as its own process, and a Prometheus server that
/// scrapes it and evaluates the project's alert rules with shortened durations.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    /// <summary>The monitor's name, the <c>monitor</c> label of every StreamMI series.</summary>
    public const string MonitorName = "e2e";

    /// <summary>Every n-th produced message is malformed JSON.</summary>
    public const int PoisonEvery = 10;

    /// <summary>
    /// What <c>for:</c> and <c>keep_firing_for:</c> are divided by in the loaded copy of the
    /// rules: 15m becomes 3 s, 10m 2 s, 5m 1 s.
    /// </summary>
    public const int RuleDurationDivisor = 300;

    /// <summary>
    /// The worker's drift settings for the drift test: the first full window is the reference
    /// the current window is compared with. These keys must name the worker's drift settings;
    /// an unknown key is ignored by the configuration binder, and the drift test then fails for
    /// want of drift series, saying so.
    /// </summary>
    private static readonly string[] s_driftArguments =
    [
        "--StreamMI:Monitors:0:Reference=first-window",
    ];

    private readonly List<IDisposable> _started = [];
    private EmbeddedKafkaCluster? _cluster;

    public string Directory { get; } =
        Path.Combine(Path.GetTempPath(), "streammi-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public string Topic { get; } = "e2e-events";

    internal StreamProducer Producer { get; private set; } = null!;

    internal WorkerProcess Worker { get; private set; } = null!;

    internal PrometheusServer Prometheus { get; private set; } = null!;

    /// <summary>The repository's root directory (the one holding StreamMI.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        // Both tools first, so a machine without them fails at once with how to install them.
        TestTools.Require("prometheus", "prometheus");
        TestTools.Require("promtool", "prometheus");
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            _cluster = EmbeddedKafkaCluster.Start();
            _cluster.CreateTopic(Topic, partitions: 2);
            _cluster.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));

            var rules = Path.Combine(Directory, "streammi-alerts.yaml");
            var original = await File.ReadAllTextAsync(
                Path.Combine(RepositoryRoot, "deploy", "prometheus", "streammi-alerts.yaml"));
            await File.WriteAllTextAsync(
                rules,
                AlertRuleDurations.Shorten(original, RuleDurationDivisor));

            Producer = Keep(new StreamProducer(
                _cluster.BootstrapServers,
                Topic,
                eventsPerSecond: 500,
                PoisonEvery,
                seed: 31));
            var workerPort = FreePort();
            Worker = Keep(WorkerProcess.Start(
                Directory,
                workerPort,
                [
                    "--bootstrap-servers", _cluster.BootstrapServers,
                    "--topic", Topic,
                    "--target", "label",
                    "--name", MonitorName,
                    "--exclude", "ts",
                    "--numeric", "amount",
                    "--window", "10s",
                    "--panes", "10",
                    "--StreamMI:Monitors:0:Edges:amount:0=15",
                    "--StreamMI:Monitors:0:Edges:amount:1=25",
                    "--StreamMI:Kafka:CommitInterval=00:00:01",

                    // Saved window state, so that the state metrics and the dashboard's state
                    // row have series, and drift runs on per-partition panes as in production.
                    $"--StreamMI:State:Directory={Path.Combine(Directory, "state")}",
                    .. s_driftArguments,
                ],
                new Dictionary<string, string?>
                {
                    ["OTEL_SERVICE_NAME"] = "streammi-e2e",
                    ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=e2e",

                    // One log line per scrape would push everything else out of the tail that
                    // failure messages show.
                    ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
                }));
            Prometheus = Keep(
                PrometheusServer.Start(Directory, $"127.0.0.1:{workerPort}", rules, FreePort()));

            await Worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
            await Prometheus.WaitReadyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            // xUnit may not dispose a fixture whose start failed: stop what did start.
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _started[i].Dispose();
        }

        _started.Clear();
        _cluster?.Dispose();
        _cluster = null;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // By design: a leftover temporary directory is not worth failing a test run for.
        }

        return Task.CompletedTask;
    }

    /// <summary>The last output of the worker and of Prometheus, for failure messages.</summary>
    public string Diagnostics() =>
        $"{Worker.Process.Tail()}{Environment.NewLine}{Prometheus.Process.Tail()}";

    private T Keep<T>(T started)
        where T : IDisposable
    {
        _started.Add(started);
        return started;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StreamMI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No StreamMI.sln above {AppContext.BaseDirectory}.");
    }
}
