using StreamMI.Host.State;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// Three workers in one consumer group over a six-partition topic: each counts the partitions
/// it owns and merges the others' saved state, so each shows the whole stream.
/// </summary>
[Collection(WholeWorkers.Name)]
public sealed class ReplicaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Workers_ThreeInOneGroupOneStoppedMidStream_EachEndsWithTheExactTablesOfOneWorkerOverAllEvents()
    {
        const int total = 12_000;
        using var cluster = new StateCluster(partitions: 6);
        var events = TestEvent.Stream(total, cluster.Partitions, seed: 11);
        var monitor = TestEvent.MonitorSettings();
        var state = new Dictionary<string, string?> { ["Topic"] = cluster.StateTopic, ["Interval"] = "200ms" };
        var workers = new List<InProcessWorker>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await InProcessWorker.StartAsync(cluster, monitor, state));
            }

            await WaitAsync(() => workers.All(w => w.Service.Pipeline.OwnedPartitions == 2), "each worker owns two partitions");
            var produced = cluster.ProducePacedAsync(events, perSecond: 4000);

            // The middle worker leaves at a random moment of the stream; its partitions move, with
            // their saved state, to the other two.
            await Task.Delay(Random.Shared.Next(500, 2500));
            await workers[1].StopAsync();
            output.WriteLine($"stopped worker 2 after {workers[1].Engine?.Counted} events counted by it");
            await produced;
            await cluster.WaitForSavedEndAsync("test", TimeSpan.FromSeconds(60));

            var window = ExpectedTables.InWindow(events);
            var expected = ExpectedTables.ByValue(window);
            foreach (var worker in new[] { workers[0], workers[2] })
            {
                await WaitAsync(() => expected.SequenceEqual(ExpectedTables.ByValue(worker.Engine!)), "the window equals the recount");
                Assert.Equal(3, worker.Service.Pipeline.OwnedPartitions);
                Assert.Equal(3, worker.Service.Pipeline.PeerPartitions);
                ExpectedTables.AssertSnapshotShows(await SettledSnapshotAsync(worker, window.Count), window);
            }

            // Each saved cut, whoever wrote it, holds exactly its partition's events below its offset.
            foreach (var (_, value) in cluster.ReadStateHistory())
            {
                var record = StateRecordCodec.Decode(value);
                var counted = events.Where(e => e.Partition == record.Partition).Take((int)record.NextOffset);
                Assert.Equal(ExpectedTables.ByValue(ExpectedTables.InWindow(counted)), ExpectedTables.ByValue(record.State));
            }

            // Every worker counted only its own share; the merged peers made up the rest.
            Assert.All(workers, w => Assert.InRange(w.Engine!.Counted, 1, total - 1));
        }
        finally
        {
            foreach (var worker in workers)
            {
                output.WriteLine(string.Join(Environment.NewLine, worker.Logs.Lines.Where(l => l.Contains("partition", StringComparison.Ordinal))));
                await worker.DisposeAsync();
            }
        }
    }

    private static async Task<System.Text.Json.JsonElement> SettledSnapshotAsync(InProcessWorker worker, long events)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var monitor = await worker.SnapshotAsync();
            if (monitor.GetProperty("window").GetProperty("events").GetInt64() == events)
            {
                break;
            }

            await Task.Delay(200);
        }

        // One more refresh of the snapshot cache, so the estimates are from the settled tables.
        await Task.Delay(1100);
        return await worker.SnapshotAsync();
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within 30 s: {what}.");
            }

            await Task.Delay(100);
        }
    }
}
