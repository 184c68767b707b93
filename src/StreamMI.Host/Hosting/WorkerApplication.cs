using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using StreamMI.Host.Configuration;
using StreamMI.Host.Http;
using StreamMI.Host.Kafka;
using StreamMI.Host.Pipeline;
using StreamMI.Host.State;
using StreamMI.Host.Telemetry;

namespace StreamMI.Host.Hosting;

/// <summary>
/// Builds the worker: configuration, one pipeline and consume loop per monitor, telemetry and the
/// HTTP endpoint. <c>streammi run</c> and <c>streammi demo</c> both start the worker from here.
/// </summary>
public static class WorkerApplication
{
    /// <summary>
    /// Reads the <c>StreamMI</c> section of <paramref name="configuration"/> and validates it.
    /// Throws <see cref="ConfigurationException"/> naming every bad setting.
    /// </summary>
    public static StreamMIOptions ReadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var options = new StreamMIOptions();
        try
        {
            configuration.GetSection(StreamMIOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key and the value it could not convert.
            throw new ConfigurationException(ex.Message, ex);
        }

        OptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    /// <summary>Builds the worker from validated options.</summary>
    public static WebApplication Build(
        StreamMIOptions options,
        IConfiguration configuration,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);

        // The caller has read the configuration already. Left at its default, the builder would
        // add appsettings.json of the working directory again, with reload on change: a
        // FileSystemWatcher over the whole directory tree, which took 1,320 inotify watches when
        // a soak ran the worker from the repository's root, for a file never read again.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            // Only small GET requests are served: a long request line or large headers are
            // refused here, a large body by UseRequestLimits.
            o.Limits.MaxRequestBodySize = WorkerEndpoints.MaxRequestBodyBytes;
            o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            o.Limits.MaxRequestLineSize = 4096;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(options.HttpAddress)}:{options.HttpPort}");
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => LatencyObserver.CreateHistogram(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        for (var i = 0; i < options.Monitors.Count; i++)
        {
            var monitor = options.Monitors[i];
            builder.Services.AddSingleton(sp =>
            {
                var loggers = sp.GetRequiredService<ILoggerFactory>();
                var time = sp.GetRequiredService<TimeProvider>();
                IDeadLetterSink? deadLetters = string.IsNullOrWhiteSpace(monitor.DeadLetterTopic)
                    ? null
                    : new KafkaDeadLetterSink(options.Kafka, monitor.DeadLetterTopic, monitor.DisplayName, loggers.CreateLogger<KafkaDeadLetterSink>());
                var pipeline = new MonitorPipeline(
                    monitor,
                    options.ChannelCapacity,
                    loggers.CreateLogger<MonitorPipeline>(),
                    new LatencyObserver(sp.GetRequiredService<System.Diagnostics.Metrics.Histogram<double>>(), time, monitor.DisplayName),
                    deadLetters,
                    time,
                    partitionedState: options.State.Enabled);
                return new KafkaMonitorService(
                    pipeline,
                    monitor,
                    options,
                    loggers.CreateLogger<KafkaMonitorService>(),
                    sp.GetRequiredService<IHostApplicationLifetime>(),
                    time,
                    PartitionStateManager.CreateFor(options, monitor, pipeline, loggers, time));
            });
        }

        builder.Services.AddHostedService(sp => new MonitorServices(sp.GetServices<KafkaMonitorService>()));
        builder.Services.AddSingleton(sp => new SnapshotCache(sp.GetServices<KafkaMonitorService>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new StreamMIMetrics(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<SnapshotCache>(),
            options.MaxFeaturesPerMonitor));

        builder.Services.AddSingleton(sp => new StateMetrics(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetServices<KafkaMonitorService>().Select(s => s.State).OfType<PartitionStateManager>()));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "streammi"))
            .WithMetrics(m =>
            {
                m.AddMeter(StreamMIMetrics.MeterName)
                    .AddRuntimeInstrumentation()
                    .AddRuntimeMetricRenames()
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
                    || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")))
                {
                    m.AddOtlpExporter();
                }
            });
        _ = otel;
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();

        // The instruments exist once the metrics object is created; create it before any scrape.
        _ = app.Services.GetRequiredService<StreamMIMetrics>();
        _ = app.Services.GetRequiredService<StateMetrics>();
        app.UseRequestLimits();
        app.MapWorkerEndpoints();

        // The exporter maps the scrape for every method; the worker's views answer GET only.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(["GET"]));
        return app;
    }

    /// <summary>
    /// Starts a worker built by <see cref="Build"/>. When its HTTP endpoint cannot listen where
    /// <paramref name="options"/> say (the port is taken, or the address is not this machine's),
    /// start-up stops with a <see cref="ConfigurationException"/> that names
    /// <c>StreamMI:HttpPort</c> and <c>StreamMI:HttpAddress</c>.
    /// </summary>
    public static async Task StartAsync(
        WebApplication app,
        StreamMIOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsListenFailure(ex))
        {
            throw new ConfigurationException(
                $"StreamMI:HttpPort {options.HttpPort} on StreamMI:HttpAddress {options.HttpAddress}: the HTTP "
                + $"endpoint cannot listen there ({ex.Message.TrimEnd('.')}). Choose a free port (--http-port) or an "
                + "address of this machine (--http-address).",
                ex);
        }
    }

    // Kestrel reports a taken port as an IOException around AddressInUseException, and an
    // address it cannot bind as an IOException around, or as, a SocketException.
    private static bool IsListenFailure(Exception ex) =>
        ex is SocketException or IOException { InnerException: AddressInUseException or SocketException };

    private static string FormatHost(string address) =>
        address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
}
