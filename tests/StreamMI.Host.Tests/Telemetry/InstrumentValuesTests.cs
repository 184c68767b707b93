using System.Globalization;
using System.Text;
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

    private static readonly string[] s_features = ["noisy_copy", "amount", "independent", "concept", "region"];

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
            configureServices: s => s.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(exported)));

        // Phase one: 6,000 events over 6 s of event time and the poison messages. Events of
        // different partitions may be counted in any order, but all fit in the 10 s window, so
        // none is late.
        var generator = new SyntheticEvents(seed: 21);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        harness.Produce(Enumerable.Range(0, Events).Select(i => generator.Next(start + i)));
        harness.Produce(s_poison.Select(p => p.Value));
        await harness.WaitForAsync(m => Counted(m) >= Events && SkippedTotal(m) >= s_poison.Length, Timeout);

        // Phase two: one event per partition 12 s on slides the window past about half of
        // phase one. Phase three, once that is counted: events from the first pane are late
        // whatever their partition.
        harness.Produce(
            Enumerable.Range(0, Partitions).Select(_ => generator.Next(start + 12_000)),
            partitionOf: i => i);
        await harness.WaitForAsync(m => Counted(m) >= Events + Partitions, Timeout);
        harness.Produce(Enumerable.Range(0, LateEvents).Select(i => generator.Next(start + i)));
        var monitor = await harness.WaitForAsync(m => m.GetProperty("late").GetInt64() >= LateEvents, Timeout);

        var provider = harness.App.Services.GetRequiredService<MeterProvider>();
        var metrics = ExportedMetrics.Collect(provider, exported);

        // What the test put in.
        Assert.Equal(Events + Partitions, monitor.GetProperty("counted").GetInt64());
        Assert.Equal(LateEvents, monitor.GetProperty("late").GetInt64());
        Assert.Equal(Events + Partitions + LateEvents + s_poison.Length, monitor.GetProperty("consumed").GetInt64());
        foreach (var group in s_poison.GroupBy(p => p.Reason))
        {
            Assert.Equal(group.Count(), monitor.GetProperty("skipped").GetProperty(group.Key).GetInt64());
        }

        // Per monitor: the instruments equal the snapshot.
        var window = monitor.GetProperty("window");
        Assert.Equal(monitor.GetProperty("consumed").GetInt64(), Sum(metrics, "streammi.events.consumed", name));
        Assert.Equal(monitor.GetProperty("counted").GetInt64(), Sum(metrics, "streammi.events.counted", name));
        Assert.Equal(monitor.GetProperty("late").GetInt64(), Sum(metrics, "streammi.events.late", name));
        Assert.Equal(window.GetProperty("events").GetInt64(), Sum(metrics, "streammi.window.events", name));
        Assert.Equal(window.GetProperty("fill").GetDouble(), metrics.Value("streammi.window.fill", ("monitor", name)));
        Assert.Equal(Events + Partitions, metrics.Value("streammi.processing.latency", ("monitor", name)));
        Assert.InRange(window.GetProperty("events").GetInt64(), Partitions + 1, Events - 1);

        var skipped = monitor.GetProperty("skipped").EnumerateObject().ToList();
        Assert.Equal(skipped.Count, metrics.Points("streammi.events.skipped", name).Count);
        foreach (var reason in skipped)
        {
            Assert.Equal(
                reason.Value.GetInt64(),
                (long)metrics.Value("streammi.events.skipped", ("monitor", name), ("reason", reason.Name)));
        }

        var lag = monitor.GetProperty("lag").EnumerateObject().ToList();
        Assert.Equal(Partitions, lag.Count);
        Assert.Equal(Partitions, metrics.Points("streammi.consumer.lag", name).Count);
        foreach (var partition in lag)
        {
            Assert.Equal(
                partition.Value.GetInt64(),
                (long)metrics.Value("streammi.consumer.lag", ("monitor", name), ("partition", partition.Name), ("topic", harness.Topic)));
        }

        // Per feature: the instruments equal the snapshot, number for number.
        var features = monitor.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(
            s_features.Order(StringComparer.Ordinal),
            features.Select(f => f.GetProperty("feature").GetString()!).Order(StringComparer.Ordinal));
        foreach (var feature in features)
        {
            var tags = new[] { ("monitor", name), ("feature", feature.GetProperty("feature").GetString()!) };
            Assert.Equal(feature.GetProperty("mi_bits").GetDouble(), metrics.Value("streammi.feature.mutual_information", [.. tags, ("estimator", "plugin")]));
            Assert.Equal(feature.GetProperty("mi_miller_madow_bits").GetDouble(), metrics.Value("streammi.feature.mutual_information", [.. tags, ("estimator", "miller_madow")]));
            Assert.Equal(feature.GetProperty("nmi").GetDouble(), metrics.Value("streammi.feature.normalized_mutual_information", tags));
            Assert.Equal(feature.GetProperty("ami").GetDouble(), metrics.Value("streammi.feature.adjusted_mutual_information", tags));
            Assert.Equal(feature.GetProperty("p_value").GetDouble(), metrics.Value("streammi.feature.p_value", tags));
            Assert.Equal(feature.GetProperty("levels").GetInt32(), metrics.Value("streammi.feature.levels", tags));
            Assert.Equal(feature.GetProperty("capped").GetBoolean() ? 1 : 0, metrics.Value("streammi.feature.capped", tags));
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
            configureServices: s => s.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(exported)));

        var generator = new SyntheticEvents(seed: 22);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        harness.Produce(Enumerable.Range(0, 3000).Select(i => generator.Next(start + i)));
        var monitor = await harness.WaitForAsync(m => Counted(m) >= 3000, Timeout);
        var metrics = ExportedMetrics.Collect(harness.App.Services.GetRequiredService<MeterProvider>(), exported);

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
            Assert.Equal(topTwo, metrics.TagValues(instrument, name, "feature").Order(StringComparer.Ordinal));
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

    private static long Sum(ExportedMetrics metrics, string instrument, string monitor) =>
        (long)metrics.Value(instrument, ("monitor", monitor));

    private static long Counted(JsonElement monitor) =>
        monitor.TryGetProperty("counted", out var counted) ? counted.GetInt64() : 0;

    private static long SkippedTotal(JsonElement monitor) =>
        monitor.TryGetProperty("skipped", out var skipped)
            ? skipped.EnumerateObject().Sum(p => p.Value.GetInt64())
            : 0;
}
