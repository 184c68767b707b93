using System.Diagnostics.Metrics;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Telemetry;

/// <summary>
/// The worker's OpenTelemetry instruments, named as in docs/metrics.md. Counts are observed from
/// the counters the pipeline keeps anyway, so the per-event path pays only for the latency
/// histogram; estimates come from a snapshot refreshed at most once a second.
/// </summary>
public sealed class StreamMIMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "StreamMI";

    private const double Ln2 = 0.6931471805599453;

    private readonly Meter _meter;
    private readonly SnapshotCache _snapshots;

    /// <summary>Creates the instruments for the given monitors.</summary>
    public StreamMIMetrics(IMeterFactory meterFactory, SnapshotCache snapshots, int maxFeaturesPerMonitor)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        _snapshots = snapshots;
        MaxFeatures = maxFeaturesPerMonitor;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("streammi.events.consumed", () => PerMonitor(s => s.Pipeline.Consumed), "{event}", "Messages read from Kafka.");
        _meter.CreateObservableCounter("streammi.events.counted", () => PerMonitor(s => s.Pipeline.Engine?.Counted ?? 0), "{event}", "Events applied to the window.");
        _meter.CreateObservableCounter("streammi.events.late", () => PerMonitor(s => s.Pipeline.Engine?.Tables.LateEvents ?? 0), "{event}", "Events older than the window.");
        _meter.CreateObservableCounter("streammi.events.skipped", ObserveSkipped, "{event}", "Events not counted, by reason.");
        _meter.CreateObservableGauge("streammi.window.events", () => PerMonitor(s => s.Pipeline.Engine?.Tables.Events ?? 0), "{event}", "Events in the current window.");
        _meter.CreateObservableGauge("streammi.window.fill", () => PerMonitorDouble(s => s.Pipeline.Engine?.Tables.Fill ?? 0), "1", "Share of the window's panes reached since start.");
        _meter.CreateObservableGauge("streammi.consumer.lag", ObserveLag, "{message}", "High watermark minus consumed offset.");

        _meter.CreateObservableGauge("streammi.feature.mutual_information", ObserveMutualInformation, "1", "MI between feature and target over the window, in bits.");
        _meter.CreateObservableGauge("streammi.feature.adjusted_mutual_information", () => PerFeature(r => r.Estimate.AdjustedMutualInformation), "1", "Adjusted (chance-corrected) MI.");
        _meter.CreateObservableGauge("streammi.feature.normalized_mutual_information", () => PerFeature(r => r.Estimate.NormalizedMutualInformation), "1", "2I / (H(feature) + H(target)).");
        _meter.CreateObservableGauge("streammi.feature.p_value", () => PerFeature(r => r.Estimate.PValue), "1", "G-test p-value of independence.");
        _meter.CreateObservableGauge("streammi.feature.levels", () => PerFeature(r => r.Estimate.RowLevels), "1", "Levels with a non-zero count in the window.");
        _meter.CreateObservableGauge("streammi.feature.capped", () => PerFeature(r => r.Capped ? 1 : 0), "1", "1 when rare values share hashed buckets.");

        // Drift and redundancy: only monitors with a reference (or pair tables) have these series.
        _meter.CreateObservableGauge("streammi.feature.reference.mutual_information", ObserveReferenceMutualInformation, "1", "MI between feature and target over the reference window, in bits.");
        _meter.CreateObservableGauge("streammi.feature.drift.z", () => PerFeature(r => r.Drift?.Change.Z ?? double.NaN), "1", "Change of corrected MI against the reference over its standard error.");
        _meter.CreateObservableGauge("streammi.feature.drift.state", () => PerFeature(r => r.Drift is { } d ? (double)d.State : double.NaN), "1", "Drift state: 0 none, 1 suspected, 2 drifting.");
        _meter.CreateObservableGauge("streammi.feature.marginal.psi", () => PerFeature(r => r.Drift?.Marginal.Psi ?? double.NaN), "1", "Population stability index of the feature against the reference.");
        _meter.CreateObservableGauge("streammi.feature.mrmr.rank", () => PerFeature(r => r.Mrmr?.Rank ?? double.NaN), "1", "Rank of the feature by mRMR (relevance minus mean redundancy).");
        _meter.CreateObservableGauge("streammi.target.psi", ObserveTargetPsi, "1", "Population stability index of the target against the reference (prior drift).");
    }

    /// <summary>Features exported per monitor.</summary>
    public int MaxFeatures { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> PerMonitor(Func<KafkaMonitorService, long> read) =>
        _snapshots.Services.Select(s => new Measurement<long>(read(s), MonitorTag(s)));

    private IEnumerable<Measurement<double>> PerMonitorDouble(Func<KafkaMonitorService, double> read) =>
        _snapshots.Services.Select(s => new Measurement<double>(read(s), MonitorTag(s)));

    private IEnumerable<Measurement<long>> ObserveSkipped()
    {
        foreach (var service in _snapshots.Services)
        {
            foreach (var reason in SkipReasons.All)
            {
                yield return new Measurement<long>(
                    service.Pipeline.Skipped(reason),
                    MonitorTag(service),
                    new KeyValuePair<string, object?>("reason", SkipReasons.Name(reason)));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var service in _snapshots.Services)
        {
            foreach (var (partition, lag) in service.Lag())
            {
                yield return new Measurement<long>(
                    lag,
                    MonitorTag(service),
                    new KeyValuePair<string, object?>("topic", service.Pipeline.Topic),
                    new KeyValuePair<string, object?>("partition", partition));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveMutualInformation()
    {
        foreach (var (monitor, report) in _snapshots.TopFeatures(MaxFeatures))
        {
            var tags = FeatureTags(monitor, report.Feature);
            yield return new Measurement<double>(report.Estimate.MutualInformationBits, Append(tags, "estimator", "plugin"));
            yield return new Measurement<double>(report.Estimate.MillerMadowNats / Ln2, Append(tags, "estimator", "miller_madow"));
        }
    }

    private IEnumerable<Measurement<double>> ObserveReferenceMutualInformation()
    {
        foreach (var (monitor, report) in _snapshots.TopFeatures(MaxFeatures))
        {
            if (report.Drift is not { } drift)
            {
                continue;
            }

            var tags = FeatureTags(monitor, report.Feature);
            yield return new Measurement<double>(drift.ReferencePlugInNats / Ln2, Append(tags, "estimator", "plugin"));
            yield return new Measurement<double>(drift.ReferenceCorrectedNats / Ln2, Append(tags, "estimator", "miller_madow"));
        }
    }

    private IEnumerable<Measurement<double>> ObserveTargetPsi()
    {
        foreach (var (monitor, snapshot) in _snapshots.Current())
        {
            if (snapshot.Drift?.Last is { } last)
            {
                yield return new Measurement<double>(last.Target.Psi, new KeyValuePair<string, object?>("monitor", monitor));
            }
        }
    }

    private IEnumerable<Measurement<double>> PerFeature(Func<FeatureReport, double> read)
    {
        foreach (var (monitor, report) in _snapshots.TopFeatures(MaxFeatures))
        {
            var value = read(report);
            if (double.IsFinite(value))
            {
                yield return new Measurement<double>(value, FeatureTags(monitor, report.Feature));
            }
        }
    }

    private static KeyValuePair<string, object?> MonitorTag(KafkaMonitorService service) =>
        new("monitor", service.Pipeline.Name);

    private static KeyValuePair<string, object?>[] FeatureTags(string monitor, string feature) =>
        [new("monitor", monitor), new("feature", feature)];

    private static KeyValuePair<string, object?>[] Append(KeyValuePair<string, object?>[] tags, string key, string value) =>
        [.. tags, new(key, value)];
}
