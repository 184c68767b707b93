using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using StreamMI.Host.Configuration;
using StreamMI.Host.Kafka;
using StreamMI.Host.Pipeline;
using StreamMI.Host.Telemetry;

namespace StreamMI.Host.Tests.Telemetry;

/// <summary>
/// One monitor's pipeline fed directly (no Kafka), with the worker's instruments over it and
/// OpenTelemetry's in-memory exporter reading them. The snapshot cache runs on a fake clock
/// that <see cref="Collect"/> moves past the refresh interval, so every collection sees the
/// events enqueued before it.
/// </summary>
internal sealed class PipelineMetricsRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterProvider _provider;
    private readonly List<MetricSnapshot> _exported = [];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(50));
    private readonly StreamMIMetrics _metrics;
    private readonly MonitorPipeline _pipeline;
    private long _nextOffset;

    public PipelineMetricsRig(MonitorOptions monitor, int maxFeaturesPerMonitor)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(StreamMIMetrics.MeterName)
            .AddInMemoryExporter(_exported)
            .Build();

        var options = new StreamMIOptions
        {
            Monitors = [monitor],
            MaxFeaturesPerMonitor = maxFeaturesPerMonitor,
        };
        _pipeline = new MonitorPipeline(monitor, channelCapacity: 1024, NullLogger.Instance);
        var service = new KafkaMonitorService(
            _pipeline,
            monitor,
            options,
            NullLogger<KafkaMonitorService>.Instance,
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance),
            _time);
        var cache = new SnapshotCache([service], _time);
        _metrics = new StreamMIMetrics(meterFactory, cache, maxFeaturesPerMonitor);
        _pipeline.Start();
    }

    /// <summary>The monitor's name, which every point of this rig carries.</summary>
    public string Monitor => _pipeline.Name;

    /// <summary>Hands one message (partition 0, the next offset) to the pipeline.</summary>
    public void Enqueue(byte[] value, long timestampMs) =>
        _pipeline.Enqueue(
            new InboundMessage(0, _nextOffset++, timestampMs, value, 0),
            CancellationToken.None);

    /// <summary>Waits, bounded, until every message enqueued so far is counted or skipped.</summary>
    public async Task WaitForCountedAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_pipeline.CountedOffsets().TryGetValue(0, out var next) || next < _nextOffset)
        {
            Assert.True(
                DateTime.UtcNow < deadline,
                $"The pipeline did not count {_nextOffset} messages within 30 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>Lets the snapshot cache refresh, then collects once.</summary>
    public ExportedMetrics Collect()
    {
        _time.Advance(TimeSpan.FromSeconds(2));
        return ExportedMetrics.Collect(_provider, _exported);
    }

    public async ValueTask DisposeAsync()
    {
        await _pipeline.CompleteAsync();
        _provider.Dispose();
        _metrics.Dispose();
        await _services.DisposeAsync();
    }
}
