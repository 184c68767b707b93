using System.Diagnostics;
using System.Diagnostics.Metrics;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Telemetry;

/// <summary>
/// Records <c>streammi.processing.latency</c>: the time from an event's timestamp to its being
/// counted. The one per-event instrument; everything else is observed at collection time.
/// </summary>
public sealed class LatencyObserver : IPipelineObserver
{
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;
    private readonly TagList _tags;

    /// <summary>Creates the observer of one monitor.</summary>
    public LatencyObserver(Histogram<double> latency, TimeProvider time, string monitor)
    {
        _latency = latency;
        _time = time;
        _tags = new TagList { { "monitor", monitor } };
    }

    /// <summary>Creates the histogram on the StreamMI meter.</summary>
    public static Histogram<double> CreateHistogram(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(StreamMIMetrics.MeterName).CreateHistogram<double>(
            "streammi.processing.latency",
            unit: "s",
            description: "Time from an event's timestamp to its being counted.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
            });
    }

    /// <inheritdoc />
    public void Counted(long eventTimeMs, long receivedTicks)
    {
        var seconds = (_time.GetUtcNow().ToUnixTimeMilliseconds() - eventTimeMs) / 1000.0;
        _latency.Record(Math.Max(0, seconds), _tags);
    }

    /// <inheritdoc />
    public void Skipped(SkipReason reason)
    {
    }

    /// <inheritdoc />
    public void Late()
    {
    }
}
