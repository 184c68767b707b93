using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StreamMI.Host.Configuration;
using StreamMI.Host.Demo;
using StreamMI.Host.Hosting;
using StreamMI.Host.Kafka;
using StreamMI.Host.Telemetry;

namespace StreamMI.Cli.Commands;

/// <summary>
/// <c>streammi demo</c>: an embedded Kafka peer, a producer of a synthetic stream with known
/// dependencies (see <see cref="SyntheticEvents"/>) and the worker itself, with a live view.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = """
        streammi demo [--duration 60s] [--http-port 8080] [--rate 2000] [--drift-after 120000]
                      [--window 30s] [--panes 6] [--seed 7] [--reference first-window|lagged:1m]

        Runs until Ctrl+C or --duration. The worker's endpoints are served on --http-port:
        /api/v1/snapshot, /metrics, /healthz/live, /healthz/ready.

        The stream drifts after --drift-after events (a minute at the default rate): 'concept'
        loses its dependency on the label (concept drift) and 'region' changes its mix (covariate
        shift, which also moves the label's prior and region's MI). The monitor compares its window
        with the first full window (or a lagged one), so the live view shows drift states move
        from none through suspected to drifting, and ranks the features by mRMR.
        """;

    private const string Topic = "demo.events";

    private static readonly HashSet<string> s_values = ["duration", "http-port", "rate", "drift-after", "window", "panes", "seed", "reference"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var reader = new ArgReader(args, s_values, new HashSet<string>());
        TimeSpan? duration = null;
        if (reader.Value("duration") is { } text)
        {
            duration = Durations.TryParse(text, out var d) ? d : throw new UsageException($"--duration '{text}' is not a duration.");
        }

        var rate = reader.Int("rate", 2000, 1, 1_000_000);
        var driftAfter = reader.Int("drift-after", 120_000, 0, int.MaxValue);
        var seed = reader.Int("seed", 7, int.MinValue, int.MaxValue);
        var port = reader.Int("http-port", 8080, 0, 65535);

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        if (duration is { } limit)
        {
            cts.CancelAfter(limit);
        }

        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, partitions: 4);
        await stdout.WriteLineAsync($"Embedded Kafka peer at {cluster.BootstrapServers}; topic {Topic} with 4 partitions.");

        var settings = new Dictionary<string, string?>
        {
            ["StreamMI:Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["StreamMI:Kafka:CommitInterval"] = "00:00:02",
            ["StreamMI:HttpPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["StreamMI:HttpAddress"] = "127.0.0.1",
            ["StreamMI:Monitors:0:Name"] = "demo",
            ["StreamMI:Monitors:0:Topic"] = Topic,
            ["StreamMI:Monitors:0:Target"] = "label",
            ["StreamMI:Monitors:0:Exclude:0"] = "ts",
            ["StreamMI:Monitors:0:Numeric:0"] = "amount",
            ["StreamMI:Monitors:0:Window"] = reader.Value("window") ?? "30s",
            ["StreamMI:Monitors:0:Panes"] = reader.Value("panes") ?? "6",
            ["StreamMI:Monitors:0:WarmUpEvents"] = "2000",
            ["StreamMI:Monitors:0:Reference"] = reader.Value("reference") ?? "first-window",
            ["StreamMI:Monitors:0:RedundancyTopK"] = "5",
        };
        var configuration = RunCommand.BuildConfiguration([], settings);
        StreamMIOptions options;
        try
        {
            options = WorkerApplication.ReadOptions(configuration);
        }
        catch (ConfigurationException ex)
        {
            await RunCommand.WriteConfigurationErrorAsync(stderr, ex);
            return 2;
        }

        await using var app = WorkerApplication.Build(options, configuration);
        try
        {
            await WorkerApplication.StartAsync(app, options);
        }
        catch (ConfigurationException ex)
        {
            await RunCommand.WriteConfigurationErrorAsync(stderr, ex);
            return 2;
        }

        // The host turns SIGTERM (docker stop, kubectl delete, timeout) into a stop of the
        // application; the live view and the producer stop with it, as on Ctrl+C.
        using var stopping = app.Lifetime.ApplicationStopping.Register(cts.Cancel);
        await stdout.WriteLineAsync($"Worker endpoints on http://127.0.0.1:{port}/api/v1/snapshot and /metrics. Ctrl+C stops.");

        var producer = Task.Run(() => Produce(cluster.BootstrapServers, rate, seed, driftAfter, cts.Token));
        var cache = app.Services.GetRequiredService<SnapshotCache>();
        var interactive = !Console.IsOutputRedirected;
        long lastCounted = 0;
        try
        {
            while (!cts.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
                lastCounted = await LiveView.WriteAsync(stdout, cache, lastCounted, interactive, driftAfter);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or --duration: stop below.
        }

        await producer;
        await app.StopAsync(CancellationToken.None);
        await stdout.WriteLineAsync("Demo stopped.");
        return 0;
    }

    private static void Produce(string bootstrap, int rate, int seed, long driftAfter, CancellationToken token)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, ClientId = "streammi-demo-producer" };
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var stream = new SyntheticEvents(seed, driftAfter);
        var started = DateTimeOffset.UtcNow;
        long sent = 0;
        while (!token.IsCancellationRequested)
        {
            // Pace to the rate: send what is due, then sleep a little.
            var due = (long)((DateTimeOffset.UtcNow - started).TotalSeconds * rate);
            for (; sent < due && !token.IsCancellationRequested; sent++)
            {
                var now = DateTimeOffset.UtcNow;
                var value = stream.Next(now.ToUnixTimeMilliseconds());
                try
                {
                    producer.Produce(Topic, new Message<Null, byte[]> { Value = value, Timestamp = new Timestamp(now) });
                }
                catch (ProduceException<Null, byte[]>)
                {
                    // By design: a full local queue drops this demo event; the demo keeps going.
                }
            }

            Thread.Sleep(20);
        }

        producer.Flush(TimeSpan.FromSeconds(2));
    }
}
