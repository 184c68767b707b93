using System.Text;
using System.Text.Json;
using StreamMI.Host.Configuration;
using StreamMI.Host.Demo;
using StreamMI.Host.Scanning;

namespace StreamMI.Host.Tests.Worker;

/// <summary>The worker against librdkafka's mock Kafka cluster, a real Kafka protocol peer on loopback.</summary>
public sealed class WorkerIntegrationTests
{
    private static readonly Dictionary<string, string?> s_demoMonitor = new()
    {
        ["Target"] = "label",
        ["Exclude:0"] = "ts",
        ["Exclude:1"] = "amount",
        ["Categorical:0"] = "*",
        ["WindowMode"] = "whole-stream",
    };

    // The numeric "amount" is left out: as a categorical field it has more distinct values than
    // the level cap, and which values get exact levels depends on how partitions interleave.
    [Fact]
    public async Task Worker_MultiPartitionTopic_SnapshotEqualsScanOfSameEvents()
    {
        const int events = 20_000;
        var generator = new SyntheticEvents(seed: 3, driftAfter: 10_000);
        var values = Enumerable.Range(0, events).Select(i => generator.Next(1_700_000_000_000 + i)).ToList();
        await using var harness = await WorkerHarness.StartAsync(partitions: 4, s_demoMonitor);

        harness.Produce(values);
        var monitor = await harness.WaitForAsync(m => Counted(m) >= events, TimeSpan.FromSeconds(60));

        var jsonl = string.Join('\n', values.Select(Encoding.UTF8.GetString));
        var scan = new FileScanner(new FeatureSelection { Target = "label", Exclude = ["ts", "amount"], Categorical = ["*"] })
            .Scan(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), InputFormat.JsonLines);

        Assert.Equal(events, monitor.GetProperty("counted").GetInt64());
        Assert.Equal(events, monitor.GetProperty("window").GetProperty("events").GetInt64());
        var features = monitor.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("feature").GetString()!);
        Assert.Equal(scan.Snapshot.Features.Count, features.Count);
        foreach (var expected in scan.Snapshot.Features)
        {
            var actual = features[expected.Feature];
            Assert.Equal(expected.Estimate.RowLevels, actual.GetProperty("levels").GetInt32());
            Assert.Equal(expected.Estimate.MutualInformationBits, actual.GetProperty("mi_bits").GetDouble(), 1e-12);
            Assert.Equal(expected.Estimate.GStatistic, actual.GetProperty("g").GetDouble(), 1e-6);
        }
    }

    [Fact]
    public async Task Worker_PoisonMessages_AreCountedByReasonAndTheRestArrive()
    {
        var monitorSettings = new Dictionary<string, string?>(s_demoMonitor) { ["MaxMessageBytes"] = "2048" };
        monitorSettings.Remove("Categorical:0");
        monitorSettings.Remove("Exclude:1");
        monitorSettings["Categorical:0"] = "noisy_copy";
        monitorSettings["Numeric:0"] = "amount";
        monitorSettings["Features:0"] = "noisy_copy";
        monitorSettings["Features:1"] = "amount";
        monitorSettings["Edges:amount:0"] = "15";
        monitorSettings["Edges:amount:1"] = "25";
        await using var harness = await WorkerHarness.StartAsync(partitions: 2, monitorSettings);

        var generator = new SyntheticEvents(seed: 5);
        var good = Enumerable.Range(0, 1000).Select(i => generator.Next(1_700_000_000_000 + i)).ToList();
        byte[][] poison =
        [
            "{\"label\":\"a\",\"noisy_copy\":"u8.ToArray(),                         // malformed_json
            [0x7B, 0x22, 0x6C, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D],           // invalid_utf8
            "[1,2,3]"u8.ToArray(),                                                   // not_an_object
            "{\"noisy_copy\":\"a\",\"amount\":3}"u8.ToArray(),                       // missing_target
            "{\"label\":\"a\",\"noisy_copy\":\"a\",\"amount\":\"lots\"}"u8.ToArray(), // wrong_type
            Encoding.UTF8.GetBytes("{\"label\":\"a\",\"pad\":\"" + new string('x', 4000) + "\"}"), // oversized
        ];
        List<byte[]?> all = [.. good, .. poison, .. poison];
        all.Add(null); // empty_message

        harness.Produce(all);
        var monitor = await harness.WaitForAsync(
            m => Counted(m) + SkippedTotal(m) >= all.Count,
            TimeSpan.FromSeconds(60));

        var skipped = monitor.GetProperty("skipped");
        Assert.Equal(1000, monitor.GetProperty("counted").GetInt64());
        Assert.Equal(2, skipped.GetProperty("malformed_json").GetInt64());
        Assert.Equal(2, skipped.GetProperty("invalid_utf8").GetInt64());
        Assert.Equal(2, skipped.GetProperty("not_an_object").GetInt64());
        Assert.Equal(2, skipped.GetProperty("missing_target").GetInt64());
        Assert.Equal(2, skipped.GetProperty("wrong_type").GetInt64());
        Assert.Equal(2, skipped.GetProperty("oversized").GetInt64());
        Assert.Equal(1, skipped.GetProperty("empty_message").GetInt64());
    }

    private static long Counted(JsonElement monitor) =>
        monitor.TryGetProperty("counted", out var counted) ? counted.GetInt64() : 0;

    private static long SkippedTotal(JsonElement monitor) =>
        monitor.TryGetProperty("skipped", out var skipped)
            ? skipped.EnumerateObject().Sum(p => p.Value.GetInt64())
            : 0;
}
