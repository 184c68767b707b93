using System.Globalization;
using OpenTelemetry.Metrics;

namespace StreamMI.Host.Tests.Telemetry;

/// <summary>
/// One collection of OpenTelemetry's in-memory exporter, read as points: an instrument name,
/// its attributes and one number (a gauge's last value, a counter's sum, a histogram's count).
/// </summary>
internal sealed class ExportedMetrics
{
    private readonly Dictionary<string, List<ExportedPoint>> _points;

    private ExportedMetrics(Dictionary<string, List<ExportedPoint>> points)
    {
        _points = points;
    }

    /// <summary>The instrument names that were exported.</summary>
    public IReadOnlyCollection<string> Names => _points.Keys;

    /// <summary>
    /// Collects once: clears <paramref name="exported"/>, makes <paramref name="provider"/>
    /// collect, and reads what the exporter received.
    /// </summary>
    public static ExportedMetrics Collect(MeterProvider provider, List<MetricSnapshot> exported)
    {
        ArgumentNullException.ThrowIfNull(provider);

        // ForceFlush asks every reader to collect and reports false when any one cannot; the
        // worker's Prometheus reader only collects on a scrape, so its answer is ignored and
        // the in-memory exporter's list is what tells whether a collection happened.
        exported.Clear();
        provider.ForceFlush(10_000);
        Assert.True(exported.Count > 0, "The in-memory exporter received nothing.");

        // Meters are matched by name across the process, so workers of tests running at the same
        // time export under the same instrument names: points are merged here and tests pick
        // theirs by the monitor attribute.
        var points = new Dictionary<string, List<ExportedPoint>>(StringComparer.Ordinal);
        foreach (var metric in exported)
        {
            if (!points.TryGetValue(metric.Name, out var list))
            {
                list = [];
                points[metric.Name] = list;
            }

            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
                }

                list.Add(new ExportedPoint(tags, ValueOf(metric.MetricType, point)));
            }
        }

        return new ExportedMetrics(points);
    }

    /// <summary>Every point of an instrument; empty when it was not exported.</summary>
    public IReadOnlyList<ExportedPoint> Points(string name) =>
        _points.TryGetValue(name, out var list) ? list : [];

    /// <summary>
    /// The one point of <paramref name="name"/> whose attributes include all of
    /// <paramref name="tags"/>; fails when there is none or more than one.
    /// </summary>
    public double Value(string name, params (string Key, string Value)[] tags)
    {
        var matching = Points(name).Where(p => tags.All(t => p.Tag(t.Key) == t.Value)).ToList();
        Assert.True(
            matching.Count == 1,
            $"Expected one point of {name} with {string.Join(", ", tags)}; found {matching.Count}.");
        return matching[0].Value;
    }

    /// <summary>The points of <paramref name="name"/> of monitor <paramref name="monitor"/>.</summary>
    public IReadOnlyList<ExportedPoint> Points(string name, string monitor) =>
        [.. Points(name).Where(p => p.Tag("monitor") == monitor)];

    /// <summary>
    /// The distinct values of attribute <paramref name="key"/> among the points of
    /// <paramref name="name"/> that belong to <paramref name="monitor"/>.
    /// </summary>
    public ISet<string> TagValues(string name, string monitor, string key) =>
        Points(name, monitor)
            .Select(p => p.Tag(key))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private static double ValueOf(MetricType type, MetricPoint point) => type switch
    {
        MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
        MetricType.LongGauge => point.GetGaugeLastValueLong(),
        MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
        MetricType.Histogram => point.GetHistogramCount(),
        _ => throw new NotSupportedException($"Metric type {type} is not read by these tests."),
    };
}
