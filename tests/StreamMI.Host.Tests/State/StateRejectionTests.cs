using System.Globalization;
using System.Text.RegularExpressions;
using Confluent.Kafka;
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

    /// <remarks>
    /// A partition whose record is refused starts from the group's committed offset, so that
    /// offset must have caught up with the saved state. Commits that fail after a save (here
    /// injected; in the wild a rebalance or a coordinator moving) used to be dropped: the next
    /// checkpoint found nothing new to save and committed nothing, so the group's offset stayed
    /// behind the saved state for good, and a restart that refused the state counted the events
    /// in between again.
    /// </remarks>
    [Fact]
    public async Task Restart_StateRefusedAfterCommitsFailed_PartitionStartsWhereTheRefusedStateEnded()
    {
        const short OffsetCommit = 8;
        using var cluster = new StateCluster(partitions: 2);
        var directory = Directory.CreateTempSubdirectory("streammi-state-").FullName;
        try
        {
            var events = TestEvent.Stream(4000, cluster.Partitions, seed: 23);
            var (first, second) = (events[..2000], events[2000..]);
            var state = new Dictionary<string, string?> { ["Directory"] = directory, ["Interval"] = "200ms" };
            var files = new FileStateStore(directory, "test", cluster.Topic);

            await using (var before = await InProcessWorker.StartAsync(cluster, TestEvent.MonitorSettings("15,25,35", sliding: false), state))
            {
                cluster.Cluster.PushRequestErrors(
                    OffsetCommit,
                    [.. Enumerable.Repeat(ErrorCode.GroupCoordinatorNotAvailable, 4), .. Enumerable.Repeat(ErrorCode.RequestTimedOut, 4)]);
                cluster.Produce(first);
                await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == first.Count);
                await WaitForAsync(() => before.Logs.Lines.Any(l => l.Contains("could not commit offsets", StringComparison.Ordinal)));

                // The failed commits are retried although nothing new was saved since.
                await WaitForAsync(() => cluster.CommittedOffsets("streammi-test").Values.Sum() == first.Count);
            }

            var saved = Enumerable.Range(0, cluster.Partitions).ToDictionary(p => p, p => StateRecordCodec.Decode(files.Load(p)!).NextOffset);
            Assert.Equal(saved, cluster.CommittedOffsets("streammi-test"));

            await using var after = await InProcessWorker.StartAsync(cluster, TestEvent.MonitorSettings("10,20", sliding: false), state);
            cluster.Produce(second);
            await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == events.Count);

            // Only the events after the refused state are counted, each once.
            var expected = ExpectedTables.ByValue(second, [10, 20]);
            await WaitForAsync(() => expected.SequenceEqual(ExpectedTables.ByValue(after.Engine!)));
            Assert.Equal(second.Count, after.Engine!.Tables.Events);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <remarks>
    /// The same gap reached without any fault: a group with no committed offsets (a new group id,
    /// or offsets the broker expired while the worker was stopped) restores its partitions from
    /// the store, and with no new events a checkpoint used to find nothing to save and commit
    /// nothing, so the group's offset stayed unset. The restored offsets are committed now.
    /// </remarks>
    [Fact]
    public async Task Restart_StateRestoredIntoAGroupWithoutOffsets_CommitsThemSoALaterRefusalStartsAfterThem()
    {
        using var cluster = new StateCluster(partitions: 2);
        var directory = Directory.CreateTempSubdirectory("streammi-state-").FullName;
        try
        {
            var events = TestEvent.Stream(4000, cluster.Partitions, seed: 24);
            var (first, second) = (events[..2000], events[2000..]);
            var state = new Dictionary<string, string?> { ["Directory"] = directory, ["Interval"] = "200ms" };
            var files = new FileStateStore(directory, "test", cluster.Topic);
            var otherGroup = TestEvent.MonitorSettings("15,25,35", sliding: false);
            otherGroup["GroupId"] = "streammi-other";

            await using (var before = await InProcessWorker.StartAsync(cluster, TestEvent.MonitorSettings("15,25,35", sliding: false), state))
            {
                cluster.Produce(first);
                await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == first.Count);
            }

            await using (var restored = await InProcessWorker.StartAsync(cluster, otherGroup, state))
            {
                await WaitForAsync(() => cluster.CommittedOffsets("streammi-other").Values.Sum() == first.Count);
                Assert.Equal(first.Count, restored.Engine!.Tables.Events);
            }

            var refusing = TestEvent.MonitorSettings("10,20", sliding: false);
            refusing["GroupId"] = "streammi-other";
            await using var after = await InProcessWorker.StartAsync(cluster, refusing, state);
            cluster.Produce(second);
            await WaitForAsync(() => SavedUpTo(files, cluster.Partitions) == events.Count);

            var expected = ExpectedTables.ByValue(second, [10, 20]);
            await WaitForAsync(() => expected.SequenceEqual(ExpectedTables.ByValue(after.Engine!)));
            Assert.Equal(second.Count, after.Engine!.Tables.Events);
            var metrics = await after.MetricsAsync();
            Assert.Equal(2, Counter(metrics, "streammi_state_restores_total", "incompatible"));
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
