using System.Globalization;
using System.Text.RegularExpressions;
using StreamMI.Host.State;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// A saved state that is damaged or made under other settings: a clear log line, a metric, and a
/// fresh start of that partition from the group's committed offset, never a crash.
/// </summary>
[Collection(WholeWorkers.Name)]
public sealed partial class StateRejectionTests
{
    [Fact]
    public async Task Restart_CorruptStateRecordOfOnePartition_LogsItCountsItAndThatPartitionStartsFresh()
    {
        using var cluster = new StateCluster(partitions: 2);
        var events = TestEvent.Stream(4000, cluster.Partitions, seed: 21);
        var (first, second) = (events[..2000], events[2000..]);
        var monitor = TestEvent.MonitorSettings(sliding: false);
        var state = new Dictionary<string, string?> { ["Topic"] = cluster.StateTopic, ["Interval"] = "200ms" };

        await using (var before = await InProcessWorker.StartAsync(cluster, monitor, state))
        {
            cluster.Produce(first);
            await cluster.WaitForSavedEndAsync("test", TimeSpan.FromSeconds(60));
        }

        // One byte of partition 0's newest record flipped in the middle of its body.
        var saved = cluster.ReadStateRecords()[StateRecord.Key("test", cluster.Topic, 0)];
        var damaged = (byte[])saved.Clone();
        damaged[damaged.Length / 2] ^= 0x20;
        cluster.WriteStateRecord("test", 0, damaged);

        await using var after = await InProcessWorker.StartAsync(cluster, monitor, state);
        cluster.Produce(second);
        await cluster.WaitForSavedEndAsync("test", TimeSpan.FromSeconds(60));

        // Partition 1 carries on from its saved state; partition 0 holds only what came after.
        var expected = ExpectedTables.ByValue(events.Where(e => e.Partition == 1).Concat(second.Where(e => e.Partition == 0)));
        await WaitForAsync(() => expected.SequenceEqual(ExpectedTables.ByValue(after.Engine!)));
        Assert.Contains(
            $"Warning: Monitor test: the saved state of partition 0 in state topic '{cluster.StateTopic}' is corrupt "
            + "(its checksum does not match its contents); the partition starts empty from the group's committed offset, "
            + "and its next save replaces the damaged record",
            after.Logs.Lines);
        var metrics = await after.MetricsAsync();
        Assert.Equal(1, Counter(metrics, "streammi_state_restores_total", "corrupt"));
        Assert.Equal(1, Counter(metrics, "streammi_state_restores_total", "restored"));
        Assert.Equal(0, Counter(metrics, "streammi_state_restores_total", "incompatible"));
    }

    [Fact]
    public async Task Restart_StateSavedWithOtherBinEdges_LogsItCountsItAndEveryPartitionStartsFresh()
    {
        using var cluster = new StateCluster(partitions: 2);
        var directory = Directory.CreateTempSubdirectory("streammi-state-").FullName;
        try
        {
            var events = TestEvent.Stream(4000, cluster.Partitions, seed: 22);
            var (first, second) = (events[..2000], events[2000..]);
            var state = new Dictionary<string, string?> { ["Directory"] = directory, ["Interval"] = "200ms" };
            var files = new FileStateStore(directory, "test", cluster.Topic);

            await using (var before = await InProcessWorker.StartAsync(cluster, TestEvent.MonitorSettings("15,25,35", sliding: false), state))
            {
                cluster.Produce(first);
                await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == first.Count);
            }

            await using var after = await InProcessWorker.StartAsync(cluster, TestEvent.MonitorSettings("10,20", sliding: false), state);
            cluster.Produce(second);
            await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == events.Count);

            var expected = ExpectedTables.ByValue(second, [10, 20]);
            await WaitForAsync(() => expected.SequenceEqual(ExpectedTables.ByValue(after.Engine!)));
            for (var partition = 0; partition < cluster.Partitions; partition++)
            {
                Assert.Contains(
                    $"Warning: Monitor test: the saved state of partition {partition} in directory '{directory}' is incompatible "
                    + "with this monitor (numeric field 'amount' has bin edges [15, 25, 35] in it and [10, 20] here); the partition "
                    + "starts empty from the group's committed offset, and its next save replaces the old record",
                    after.Logs.Lines);
            }

            var metrics = await after.MetricsAsync();
            Assert.Equal(2, Counter(metrics, "streammi_state_restores_total", "incompatible"));
            Assert.Equal(0, Counter(metrics, "streammi_state_restores_total", "restored"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static long SavedUpTo(FileStateStore files, int partitions) =>
        Enumerable.Range(0, partitions).Sum(p => files.Load(p) is { } bytes ? StateRecordCodec.Decode(bytes).NextOffset : 0);

    private static long Counter(string metrics, string name, string result)
    {
        foreach (var line in metrics.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (match.Success && match.Groups["name"].Value == name
                && match.Groups["labels"].Value.Contains("monitor=\"test\"", StringComparison.Ordinal)
                && match.Groups["labels"].Value.Contains($"result=\"{result}\"", StringComparison.Ordinal))
            {
                return long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No sample of {name} with result=\"{result}\" in:{Environment.NewLine}{metrics}");
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The worker did not get there within 30 s.");
            }

            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9]+)")]
    private static partial Regex SampleLine();
}
