using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Monitoring;

/// <summary>
/// A monitor whose window is full refuses further events and counts them as
/// <see cref="SkipReason.WindowFull"/>; its estimates are those of the events it did count.
/// </summary>
public sealed class MonitorEngineWindowLimitTests
{
    private const int Limit = 1_000;

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Apply_WholeStreamPastLimit_SkipsTheRestAsWindowFullAndMatchesRecountOfFirstEvents(
        bool concurrentApply,
        bool partitionState)
    {
        var engine = new MonitorEngine(Schema(WindowSpec.WholeStream), drift: null, concurrentApply, partitionState, Limit);
        var events = Events(1_500, new Random(11));
        var record = engine.CreateRecord();

        var outcomes = events.Select(e => Apply(engine, record, e, 1_000)).ToList();

        Assert.Equal(
            [.. Enumerable.Repeat(ApplyOutcome.Counted, Limit), .. Enumerable.Repeat(ApplyOutcome.WindowFull, 500)],
            outcomes);
        Assert.Equal(Limit, engine.Counted);
        Assert.Equal(500, engine.Skipped(SkipReason.WindowFull));

        var snapshot = engine.Snapshot();
        Assert.Equal(500, snapshot.Skipped["window_full"]);
        Assert.Equal(Limit, snapshot.WindowEvents);
        Assert.Equal(0, snapshot.Late);
        AssertRecount(engine, snapshot, events, events.Take(Limit));
    }

    [Fact]
    public void Apply_SlidingWindowFull_CountsAgainOnceOldPanesExpire()
    {
        var engine = new MonitorEngine(
            Schema(WindowSpec.Sliding(TimeSpan.FromSeconds(10), 5)),
            drift: null,
            concurrentApply: false,
            partitionState: true,
            Limit);
        var events = Events(1_500, new Random(12));
        var record = engine.CreateRecord();

        // 1,200 events in pane 0 (200 refused), then 300 in pane 5, which expires pane 0.
        var outcomes = events.Select((e, i) => Apply(engine, record, e, i < 1_200 ? 500 : 10_500)).ToList();

        Assert.Equal(
            [
                .. Enumerable.Repeat(ApplyOutcome.Counted, Limit),
                .. Enumerable.Repeat(ApplyOutcome.WindowFull, 200),
                .. Enumerable.Repeat(ApplyOutcome.Counted, 300),
            ],
            outcomes);
        var snapshot = engine.Snapshot();
        Assert.Equal(200, snapshot.Skipped["window_full"]);
        Assert.Equal(1_300, snapshot.Counted);
        Assert.Equal(300, snapshot.WindowEvents);
        AssertRecount(engine, snapshot, events, events.Skip(1_200));
    }

    [Fact]
    public void Apply_FourThreadsPastLimit_OvershootLessThanThreadsAndEveryEventAccounted()
    {
        const int threads = 4;
        var engine = new MonitorEngine(Schema(WindowSpec.WholeStream), drift: null, concurrentApply: true, partitionState: false, Limit);
        var events = Events(40_000, new Random(13));

        Concurrently.Run(threads, t =>
        {
            var mine = engine.CreateRecord();
            for (var i = t; i < events.Count; i += threads)
            {
                Apply(engine, mine, events[i], 1_000);
            }
        });

        Assert.Equal(events.Count, engine.Counted + engine.Skipped(SkipReason.WindowFull));
        Assert.Equal(engine.Counted, engine.Tables.Events);
        Assert.InRange(engine.Counted, Limit, Limit + threads - 1);
    }

    [Fact]
    public void SkipReasons_WindowFull_IsNamedWindowFull()
    {
        Assert.Equal("window_full", SkipReasons.Name(SkipReason.WindowFull));
        Assert.Contains(SkipReason.WindowFull, SkipReasons.All);
    }

    // The window's tables and the snapshot's MI against a recount of the events that should be in
    // the window. Categorical levels are numbered from 1 in first-seen order over every event
    // decoded, counted or not, since decoding assigns them before the window is consulted.
    private static void AssertRecount(
        MonitorEngine engine,
        MonitorSnapshot snapshot,
        IReadOnlyList<(string A, string B, string Label)> all,
        IEnumerable<(string A, string B, string Label)> inWindow)
    {
        var levels = new Dictionary<string, int>[3] { [], [], [] };
        foreach (var (a, b, label) in all)
        {
            Level(levels[0], a);
            Level(levels[1], b);
            Level(levels[2], label);
        }

        var window = inWindow.ToList();
        for (var f = 0; f < 2; f++)
        {
            var model = CountModel.From(window.Select(e => (levels[f][f == 0 ? e.A : e.B], levels[2][e.Label])));
            TableAssert.Matches(model, engine.Tables.FeatureTarget[f]);
            var report = snapshot.Features.Single(r => r.Feature == (f == 0 ? "a" : "b"));
            Assert.InRange(
                Math.Abs(report.LiveMutualInformationNats - model.MutualInformationNats()),
                0,
                model.FixedPointTolerance());
        }
    }

    private static int Level(Dictionary<string, int> levels, string value)
    {
        if (!levels.TryGetValue(value, out var level))
        {
            level = levels.Count + 1;
            levels[value] = level;
        }

        return level;
    }

    private static ApplyOutcome Apply(MonitorEngine engine, EventRecord record, (string A, string B, string Label) e, long timeMs)
    {
        record.Reset();
        record.SetText(0, Encoding.UTF8.GetBytes(e.A));
        record.SetText(1, Encoding.UTF8.GetBytes(e.B));
        record.SetText(2, Encoding.UTF8.GetBytes(e.Label));
        record.EventTimeMs = timeMs;
        return engine.Apply(record);
    }

    private static MonitorSchema Schema(WindowSpec window) => new(
        "limited",
        [new FeatureSpec("a", FeatureKind.Categorical), new FeatureSpec("b", FeatureKind.Categorical)],
        new FeatureSpec("label", FeatureKind.Categorical),
        window);

    // The label follows a most of the time and b never: a has high MI, b about none.
    private static List<(string A, string B, string Label)> Events(int n, Random rng) =>
        [.. Enumerable.Range(0, n).Select(_ =>
        {
            var a = rng.Next(4);
            var label = rng.NextDouble() < 0.7 ? a % 2 : rng.Next(2);
            return ($"a{a}", $"b{rng.Next(5)}", label == 1 ? "yes" : "no");
        })];
}
