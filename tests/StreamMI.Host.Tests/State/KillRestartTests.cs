using StreamMI.Host.State;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// The worker as a process of its own, killed with SIGKILL at a random point mid-stream and
/// started again: the window at the end must be exactly that of a run never interrupted.
/// </summary>
[Collection(WholeWorkers.Name)]
public sealed class KillRestartTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 1, false)]
    [InlineData(3, 2, true)]
    public async Task Worker_KilledMidStreamThenRestarted_EndsWithTheTablesOfAnUninterruptedRun(int seed, int kills, bool sliding)
    {
        const int total = 10_000;
        const int perSecond = 3_000;
        using var cluster = new StateCluster(partitions: 3);
        var events = TestEvent.Stream(total, cluster.Partitions, seed);
        var monitor = TestEvent.MonitorSettings(sliding: sliding);
        var state = new Dictionary<string, string?> { ["Topic"] = cluster.StateTopic, ["Interval"] = "200ms" };

        // A restarted worker comes back as the same static member of the group, so it takes the
        // killed one's place at once instead of waiting for its session to time out.
        var extra = new Dictionary<string, string?> { ["StreamMI:Kafka:Client:group.instance.id"] = "worker-1" };
        var worker = WorkerProcess.Start(cluster, monitor, state, extra);
        var outputs = new List<string>();
        using var producing = new CancellationTokenSource();
        try
        {
            // The worker keeps up with the paced stream, so a kill at a random moment of the
            // stream's three seconds lands in the middle of it.
            await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
            var started = DateTime.UtcNow;
            var produced = cluster.ProducePacedAsync(events, perSecond, producing.Token);
            for (var k = 0; k < kills; k++)
            {
                try
                {
                    await worker.WaitCountedAsync(1, TimeSpan.FromSeconds(15));
                }
                catch (TimeoutException)
                {
                    // A restarted worker whose saved state already reaches the end has nothing
                    // left to count; killing it then is one more kill point, not a failure.
                    output.WriteLine("the worker counted nothing before this kill");
                }

                await Task.Delay(Random.Shared.Next(100, 2500 / kills));
                var snapshot = await worker.SnapshotAsync();
                var counted = snapshot is { } s && s.TryGetProperty("counted", out var c) ? c.GetInt64() : 0;
                worker.Kill();
                output.WriteLine($"kill {k + 1} at {(DateTime.UtcNow - started).TotalSeconds:F2} s of the stream, "
                    + $"about {Math.Min(total, (DateTime.UtcNow - started).TotalSeconds * perSecond):F0} events produced; "
                    + $"the worker had counted {counted} by its last snapshot");
                outputs.Add(worker.Output);
                worker.Dispose();
                worker = WorkerProcess.Start(cluster, monitor, state, extra);
                await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
            }

            await produced;
            var saved = await cluster.WaitForSavedEndAsync("test", TimeSpan.FromSeconds(90));

            // Every state ever saved, by every process, holds exactly the events of its partition
            // below its offset, in the partition's window at that point: a restart that counted an
            // event twice or skipped one would show in the first save after it.
            var cuts = 0;
            foreach (var (key, value) in cluster.ReadStateHistory())
            {
                var record = StateRecordCodec.Decode(value);
                var counted = events.Where(e => e.Partition == record.Partition).Take((int)record.NextOffset);
                Assert.Equal(ExpectedTables.ByValue(ExpectedTables.InWindow(counted, sliding)), ExpectedTables.ByValue(record.State));
                cuts++;
            }

            output.WriteLine($"{cuts} saved states checked");
            Assert.Equal(total, saved.Values.Sum(r => r.NextOffset));

            // And the restarted worker's window is exactly the stream's final window.
            var window = ExpectedTables.InWindow(events, sliding);
            var final = await WaitForWindowAsync(worker, window.Count);
            ExpectedTables.AssertSnapshotShows(final, window);
            Assert.Contains("restored partition", worker.Output, StringComparison.Ordinal);
        }
        finally
        {
            await producing.CancelAsync();
            output.WriteLine(string.Join(Environment.NewLine + "----- killed, started again -----" + Environment.NewLine, [.. outputs, worker.Output]));
            worker.Dispose();
        }
    }

    private static async Task<System.Text.Json.JsonElement> WaitForWindowAsync(WorkerProcess worker, long events)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        System.Text.Json.JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await worker.SnapshotAsync();
            if (last is { } monitor && monitor.TryGetProperty("window", out var window)
                && window.ValueKind == System.Text.Json.JsonValueKind.Object
                && window.GetProperty("events").GetInt64() == events)
            {
                // One more refresh of the worker's snapshot cache, then the final numbers.
                await Task.Delay(1100);
                return (await worker.SnapshotAsync())!.Value;
            }

            await Task.Delay(200);
        }

        return last ?? throw new TimeoutException("The worker served no snapshot.");
    }
}
