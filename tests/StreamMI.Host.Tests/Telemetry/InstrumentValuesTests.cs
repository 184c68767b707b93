using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using StreamMI.Host.Demo;
using StreamMI.Host.Tests.Worker;

namespace StreamMI.Host.Tests.Telemetry;

/// <summary>
/// The worker's instruments, read by OpenTelemetry's in-memory exporter, against the numbers of
/// the worker's own <c>/api/v1/snapshot</c> for the same window, and against what the test put
/// into the stream.
/// </summary>
public sealed class InstrumentValuesTests
{
    private const int Partitions = 4;
    private const int Events = 6000;
    private const int LateEvents = 7;

    private static readonly string[] s_features =
        ["noisy_copy", "amount", "independent", "concept", "region"];

    // Poison messages and the reason each is skipped for.
    private static readonly (byte[]? Value, string Reason)[] s_poison =
    [
        ("{\"label\":\"a\",\"noisy_copy\":"u8.ToArray(), "malformed_json"),
        ("{\"label\":\"a\",\"noisy_copy\":"u8.ToArray(), "malformed_json"),
        ("[1,2]"u8.ToArray(), "not_an_object"),
        ("{\"noisy_copy\":\"a\",\"ts\":1}"u8.ToArray(), "missing_target"),
        ("{\"label\":\"a\",\"amount\":\"lots\",\"ts\":1}"u8.ToArray(), "wrong_type"),
        (null, "empty_message"),
    ];

    [Fact]
    public async Task Instruments_KnownStream_EqualSnapshotEndpointNumbers()
    {
        var exported = new List<MetricSnapshot>();
        var name = "values-" + Guid.NewGuid().ToString("N")[..8];
        await using var harness = await WorkerHarness.StartAsync(
            Partitions,
            Monitor(name),
            configureServices: InMemoryExporter(exported));

        // Phase one: 6,000 events over 6 s of event time and the poison messages. Events of
        // different partitions may be counted in any order, but all fit in the 10 s window, so
        // none is late.
        var generator = new SyntheticEvents(seed: 21);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        harness.Produce(Enumerable.Range(0, Events).Select(i => generator.Next(start + i)));
        harness.Produce(s_poison.Select(p => p.Value));
        await harness.WaitForAsync(
            m => Counted(m) >= Events && SkippedTotal(m) >= s_poison.Length,
            Timeout);

        // Phase two: one event per partition 12 s on slides the window past about half of
        // phase one. Phase three, once that is counted: events from the first pane are late
        // whatever their partition.
        harness.Produce(
            Enumerable.Range(0, Partitions).Select(_ => generator.Next(start + 12_000)),
            partitionOf: i => i);
        await harness.WaitForAsync(m => Counted(m) >= Events + Partitions, Timeout);
        harness.Produce(Enumerable.Range(0, LateEvents).Select(i => generator.Next(start + i)));
        var monitor = await harness.WaitForAsync(m => Long(m, "late") >= LateEvents, Timeout);

        var provider = harness.App.Services.GetRequiredService<MeterProvider>();
        var metrics = ExportedMetrics.Collect(provider, exported);

        // What the test put in.
        Assert.Equal(Events + Partitions, Long(monitor, "counted"));
        Assert.Equal(LateEvents, Long(monitor, "late"));
        Assert.Equal(Events + Partitions + LateEvents + s_poison.Length, Long(monitor, "consumed"));
        foreach (var group in s_poison.GroupBy(p => p.Reason))
        {
            Assert.Equal(group.Count(), Long(monitor.GetProperty("skipped"), group.Key));
        }

        // Per monitor: the instruments equal the snapshot.
        var window = monitor.GetProperty("window");
        double Exported(string instrument, params (string, string)[] tags) =>
            metrics.Value(instrument, [("monitor", name), .. tags]);
        Assert.Equal(Long(monitor, "consumed"), Exported("streammi.events.consumed"));
        Assert.Equal(Long(monitor, "counted"), Exported("streammi.events.counted"));
        Assert.Equal(Long(monitor, "late"), Exported("streammi.events.late"));
        Assert.Equal(Long(window, "events"), Exported("streammi.window.events"));
        Assert.Equal(Double(window, "fill"), Exported("streammi.window.fill"));
        Assert.Equal(Events + Partitions, Exported("streammi.processing.latency"));
        Assert.InRange(Long(window, "events"), Partitions + 1, Events - 1);

        var skipped = monitor.GetProperty("skipped").EnumerateObject().ToList();
        Assert.Equal(skipped.Count, metrics.Points("streammi.events.skipped", name).Count);
        foreach (var reason in skipped)
        {
            var count = Exported("streammi.events.skipped", ("reason", reason.Name));
            Assert.Equal(reason.Value.GetInt64(), count);
        }

        var lag = monitor.GetProperty("lag").EnumerateObject().ToList();
        Assert.Equal(Partitions, lag.Count);
        Assert.Equal(Partitions, metrics.Points("streammi.consumer.lag", name).Count);
        foreach (var partition in lag)
        {
            var exportedLag = Exported(
                "streammi.consumer.lag",
                ("partition", partition.Name),
                ("topic", harness.Topic));
            Assert.Equal(partition.Value.GetInt64(), exportedLag);
        }

        // Per feature: the instruments equal the snapshot, number for number.
        var features = monitor.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(
            s_features.Order(StringComparer.Ordinal),
            features.Select(f => f.GetProperty("feature").GetString()!).Order(StringComparer.Ordinal));
        foreach (var feature in features)
        {
            var tag = ("feature", feature.GetProperty("feature").GetString()!);
            const string Mi = "streammi.feature.mutual_information";
            Assert.Equal(Double(feature, "mi_bits"), Exported(Mi, tag, ("estimator", "plugin")));
            Assert.Equal(
                Double(feature, "mi_miller_madow_bits"),
                Exported(Mi, tag, ("estimator", "miller_madow")));
            Assert.Equal(
                Double(feature, "nmi"),
                Exported("streammi.feature.normalized_mutual_information", tag));
            Assert.Equal(
                Double(feature, "ami"),
                Exported("streammi.feature.adjusted_mutual_information", tag));
            Assert.Equal(Double(feature, "p_value"), Exported("streammi.feature.p_value", tag));
            Assert.Equal(Long(feature, "levels"), Exported("streammi.feature.levels", tag));
            Assert.Equal(
                feature.GetProperty("capped").GetBoolean() ? 1 : 0,
                Exported("streammi.feature.capped", tag));
        }
    }

    [Fact]
    public async Task Instruments_MaxFeaturesPerMonitorTwo_ExportOnlyTheTwoHighestMiFeatures()
    {
        var exported = new List<MetricSnapshot>();
        var name = "cap-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Monitor(name);
        settings["WindowMode"] = "whole-stream";
        await using var harness = await WorkerHarness.StartAsync(
            partitions: 1,
            settings,
            worker: new Dictionary<string, string?> { ["MaxFeaturesPerMonitor"] = "2" },
            configureServices: InMemoryExporter(exported));

        var generator = new SyntheticEvents(seed: 22);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        harness.Produce(Enumerable.Range(0, 3000).Select(i => generator.Next(start + i)));
        var monitor = await harness.WaitForAsync(m => Counted(m) >= 3000, Timeout);
        var provider = harness.App.Services.GetRequiredService<MeterProvider>();
        var metrics = ExportedMetrics.Collect(provider, exported);

        // The top two by the snapshot's plug-in MI, ranked here rather than trusting its order;
        // by the generator's construction they are the label's noisy copy (80 % the label) and
        // the concept (70 % the label before any drift).
        var topTwo = monitor.GetProperty("features").EnumerateArray()
            .OrderByDescending(f => f.GetProperty("mi_bits").GetDouble())
            .Take(2)
            .Select(f => f.GetProperty("feature").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["concept", "noisy_copy"], topTwo);
        Assert.Equal(s_features.Length, monitor.GetProperty("features").GetArrayLength());
        foreach (var instrument in new[]
        {
            "streammi.feature.mutual_information",
            "streammi.feature.adjusted_mutual_information",
            "streammi.feature.normalized_mutual_information",
            "streammi.feature.p_value",
            "streammi.feature.levels",
            "streammi.feature.capped",
        })
        {
            var exportedFeatures = metrics.TagValues(instrument, name, "feature");
            Assert.Equal(topTwo, exportedFeatures.Order(StringComparer.Ordinal));
        }

        Assert.Equal(4, metrics.Points("streammi.feature.mutual_information", name).Count);
    }

    private static TimeSpan Timeout => TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Monitor(string name)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Name"] = name,
            ["Target"] = "label",
            ["EventTimeField"] = "ts",
            ["Window"] = "10s",
            ["Panes"] = "10",
            ["Numeric:0"] = "amount",
            ["Edges:amount:0"] = "15",
            ["Edges:amount:1"] = "25",
        };
        for (var i = 0; i < s_features.Length; i++)
        {
            settings[$"Features:{i}"] = s_features[i];
            if (s_features[i] != "amount")
            {
                settings[$"Categorical:{i}"] = s_features[i];
            }
        }

        return settings;
    }

    private static Action<IServiceCollection> InMemoryExporter(List<MetricSnapshot> exported) =>
        services => services.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(exported));

    private static long Long(JsonElement element, string property) =>
        element.GetProperty(property).GetInt64();

    private static double Double(JsonElement element, string property) =>
        element.GetProperty(property).GetDouble();

    private static long Counted(JsonElement monitor) =>
        monitor.TryGetProperty("counted", out var counted) ? counted.GetInt64() : 0;

    private static long SkippedTotal(JsonElement monitor) =>
        monitor.TryGetProperty("skipped", out var skipped)
            ? skipped.EnumerateObject().Sum(p => p.Value.GetInt64())
            : 0;
}
