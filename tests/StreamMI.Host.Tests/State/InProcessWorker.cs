using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Hosting;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Tests.State;

/// <summary>A worker started inside the test process against a <see cref="StateCluster"/>.</summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    private bool _stopped;

    private InProcessWorker(WebApplication app, LogCapture logs, int port)
    {
        App = app;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public WebApplication App { get; }

    public LogCapture Logs { get; }

    public HttpClient Http { get; }

    public KafkaMonitorService Service => App.Services.GetServices<KafkaMonitorService>().Single();

    public MonitorEngine? Engine => Service.Pipeline.Engine;

    public static async Task<InProcessWorker> StartAsync(
        StateCluster cluster,
        IReadOnlyDictionary<string, string?> monitor,
        IReadOnlyDictionary<string, string?> state,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var port = FreePort();
        var settings = Settings(cluster, monitor, state, port, extra);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = WorkerApplication.ReadOptions(configuration);
        var logs = new LogCapture();
        var app = WorkerApplication.Build(options, configuration, services => services.AddSingleton<ILoggerProvider>(logs));
        await app.StartAsync();
        return new InProcessWorker(app, logs, port);
    }

    /// <summary>The worker's settings: the cluster, quick group membership, the monitor and the state.</summary>
    public static Dictionary<string, string?> Settings(
        StateCluster cluster,
        IReadOnlyDictionary<string, string?> monitor,
        IReadOnlyDictionary<string, string?> state,
        int port,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["StreamMI:Kafka:BootstrapServers"] = cluster.BootstrapServers,

            // A member that dies is noticed within two seconds, and members rejoin a rebalance
            // at their next heartbeat, a third of a second apart.
            ["StreamMI:Kafka:Client:session.timeout.ms"] = "2000",
            ["StreamMI:Kafka:Client:heartbeat.interval.ms"] = "300",
            ["StreamMI:HttpPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["StreamMI:HttpAddress"] = "127.0.0.1",
            ["StreamMI:Monitors:0:Topic"] = cluster.Topic,
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:StreamMI.Host.State"] = "Debug",
        };
        foreach (var (key, value) in monitor)
        {
            settings[$"StreamMI:Monitors:0:{key}"] = value;
        }

        foreach (var (key, value) in state)
        {
            settings[$"StreamMI:State:{key}"] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<JsonElement> SnapshotAsync()
    {
        var json = await Http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
        return JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
    }

    public Task<string> MetricsAsync() => Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    /// <summary>Stops the worker as a shutdown signal would: drain, save, commit, leave the group.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await App.DisposeAsync();
    }
}
