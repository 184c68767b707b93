using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Monitoring;

/// <summary>
/// An engine over the whole stream with concurrent appliers, fed the way a parallel scan feeds
/// it: one thread until the warm-up ends, then several threads with a record each.
/// </summary>
public sealed class MonitorEngineConcurrentApplyTests
{
    private const int Threads = 4;
    private const int WarmUp = 1_000;

    [Fact]
    public void Apply_FourThreadsAfterWarmUp_TablesEqualSingleThreadedEngineUpToLevelNumbers()
    {
        var events = Events(60_000, new Random(7));
        var single = new MonitorEngine(Schema());
        var record = single.CreateRecord();
        foreach (var e in events)
        {
            Fill(record, e);
            single.Apply(record);
        }

        single.CompleteWarmUp();

        var concurrent = new MonitorEngine(Schema(), drift: null, concurrentApply: true);
        var first = concurrent.CreateRecord();
        var next = 0;
        while (concurrent.IsWarmingUp)
        {
            Fill(first, events[next++]);
            concurrent.Apply(first);
        }

        var start = next;
        Concurrently.Run(Threads, t =>
        {
            var mine = concurrent.CreateRecord();
            for (var i = start + t; i < events.Count; i += Threads)
            {
                Fill(mine, events[i]);
                concurrent.Apply(mine);
            }
        });

        Assert.Equal(WarmUp, start);
        Assert.Equal(events.Count, concurrent.Counted);
        Assert.Equal(single.Counted, concurrent.Counted);
        for (var f = 0; f < 3; f++)
        {
            // Categorical levels are numbered in first-seen order, which the threads change; the
            // counts by value name, and every sum over them, may not change.
            Assert.Equal(CellsByName(single, f), CellsByName(concurrent, f));
            var a = single.Tables.FeatureTarget[f];
            var b = concurrent.Tables.FeatureTarget[f];
            Assert.Equal((a.SumPhi, a.NonZeroCells), (b.SumPhi, b.NonZeroCells));
            Assert.Equal(a.MutualInformationNats(), b.MutualInformationNats());
            Assert.Equal(b.Recount(), (b.SumPhi, b.NonZeroCells));
        }

        var expected = single.Snapshot().Features.ToDictionary(r => r.Feature);
        foreach (var report in concurrent.Snapshot().Features)
        {
            var mi = expected[report.Feature].Estimate.MutualInformationNats;
            Assert.Equal(mi, report.Estimate.MutualInformationNats, 1e-12);
        }
    }

    [Fact]
    public void Apply_ThreadsRacingThroughWarmUp_EveryEventCountedOnce()
    {
        // Here the threads start at once, so which events teach the edges is not fixed; what
        // must hold is that none is lost or counted twice around the end of the warm-up.
        var events = Events(20_000, new Random(8));
        var engine = new MonitorEngine(Schema(), drift: null, concurrentApply: true);

        Concurrently.Run(Threads, t =>
        {
            var mine = engine.CreateRecord();
            for (var i = t; i < events.Count; i += Threads)
            {
                Fill(mine, events[i]);
                engine.Apply(mine);
            }
        });
        engine.CompleteWarmUp();

        Assert.Equal(events.Count, engine.Counted);
        Assert.Equal(events.Count, engine.Tables.Events);
        Assert.All(engine.Tables.FeatureTarget, t => Assert.Equal(t.Recount(), (t.SumPhi, t.NonZeroCells)));
    }

    [Fact]
    public void Constructor_ConcurrentApply_CountsIntoConcurrentWriterTablesAndDefaultIntoSingleWriterOnes()
    {
        var concurrent = new MonitorEngine(Schema(), drift: null, concurrentApply: true);
        var single = new MonitorEngine(Schema());

        Assert.True(concurrent.Tables.ConcurrentWriters);
        Assert.All(concurrent.Tables.FeatureTarget, t => Assert.True(t.ConcurrentWriters));
        Assert.False(single.Tables.ConcurrentWriters);
        Assert.All(single.Tables.FeatureTarget, t => Assert.False(t.ConcurrentWriters));
    }

    [Fact]
    public void Constructor_ConcurrentApplyOnSlidingWindow_Throws()
    {
        var schema = Schema(WindowSpec.Sliding(TimeSpan.FromMinutes(5), 5));

        Assert.Throws<ArgumentException>(() => new MonitorEngine(schema, drift: null, concurrentApply: true));
    }

    private static MonitorSchema Schema(WindowSpec? window = null) => new(
        "parallel",
        [
            new FeatureSpec("city", FeatureKind.Categorical),
            new FeatureSpec("amount", FeatureKind.Numeric) { Bins = 5 },
            new FeatureSpec("mobile", FeatureKind.Boolean),
        ],
        new FeatureSpec("label", FeatureKind.Categorical),
        window ?? WindowSpec.WholeStream) { WarmUpEvents = WarmUp };

    private static List<Sample> Events(int n, Random rng) =>
        [.. Enumerable.Range(0, n).Select(_ =>
        {
            var label = rng.Next(3);
            var city = rng.Next(2) == 0 ? label * 10 + rng.Next(10) : rng.Next(200);
            var amount = Math.Round(label + (2 * rng.NextDouble()), 3);
            return new Sample($"city{city}", amount, rng.Next(4) == 0, $"c{label}");
        })];

    private static void Fill(EventRecord record, Sample e)
    {
        record.Reset();
        record.SetText(0, Encoding.UTF8.GetBytes(e.City));
        record.SetText(1, Encoding.UTF8.GetBytes(e.Amount.ToString(CultureInfo.InvariantCulture)));
        record.SetBoolean(2, e.Mobile);
        record.SetText(3, Encoding.UTF8.GetBytes(e.Label));
    }

    private static SortedDictionary<string, long> CellsByName(MonitorEngine engine, int feature)
    {
        var table = engine.Tables.FeatureTarget[feature];
        var snapshot = table.Snapshot(out var rows, out var columns);
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var count = snapshot.Count(r, c);
                if (count != 0)
                {
                    var name = engine.LevelName(feature, rows[r]) + "|" + engine.LevelName(3, columns[c]);
                    cells[name] = count;
                }
            }
        }

        return cells;
    }

    private sealed record Sample(string City, double Amount, bool Mobile, string Label);
}
