using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Windows that hold at most a given number of events, with a small limit injected so that a
/// window fills in a few events: events beyond it are refused after the window has moved on.
/// </summary>
public sealed class WindowLimitTests
{
    private static readonly WindowSpec s_tenSecondsInFivePanes =
        WindowSpec.Sliding(TimeSpan.FromSeconds(10), 5);

    [Fact]
    public void Constructor_PublicTables_HoldMaxWindowEvents()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [3], 3);

        Assert.Equal(EntropyTerms.MaxWindowEvents, tables.MaxEvents);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(EntropyTerms.MaxWindowEvents + 1)]
    public void Constructor_LimitOutsideOneToMaxWindowEvents_Throws(long limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Limited(WindowSpec.WholeStream, limit));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Apply_WholeStreamPastLimit_RefusesExactlyTheEventsBeyondIt(bool concurrent, bool panes)
    {
        var tables = Limited(WindowSpec.WholeStream, 5, concurrentWriters: concurrent, partitionPanes: panes);
        var results = new List<ApplyResult>();

        for (var i = 0; i < 8; i++)
        {
            results.Add(tables.ApplyEvent(0, [i % 3], i % 2, 1_000 + i));
        }

        Assert.Equal([.. Enumerable.Repeat(ApplyResult.Counted, 5), .. Enumerable.Repeat(ApplyResult.WindowFull, 3)], results);
        Assert.Equal(5, tables.Events);
        Assert.Equal(0, tables.LateEvents);

        // A refused event does not stretch the whole stream's time span either.
        Assert.Equal(1_004, tables.EndMs);
        TableAssert.Matches(
            CountModel.From(Enumerable.Range(0, 5).Select(i => (i % 3, i % 2))),
            tables.FeatureTarget[0]);
    }

    [Fact]
    public void Apply_SlidingWindowFull_ResumesOnceANewPaneExpiresOldOnes()
    {
        var tables = Limited(s_tenSecondsInFivePanes, 10);
        var log = new List<(ApplyResult Result, int Level)>();
        void Apply(int count, long timeMs)
        {
            for (var i = 0; i < count; i++)
            {
                var level = log.Count % 3;
                log.Add((tables.ApplyEvent(0, [level], level % 2, timeMs), level));
            }
        }

        Apply(6, 0);          // pane 0: all six counted
        Apply(6, 2_000);      // pane 1: four fit, two refused
        Apply(1, 8_000);      // pane 4: the window (panes 0 to 4) is still full
        Apply(8, 10_000);     // pane 5 expires pane 0's six events: six fit, two refused
        Apply(1, 0);          // pane 0 has left the window: late, not full

        ApplyResult[] expected =
        [
            .. Enumerable.Repeat(ApplyResult.Counted, 10),
            ApplyResult.WindowFull, ApplyResult.WindowFull, ApplyResult.WindowFull,
            .. Enumerable.Repeat(ApplyResult.Counted, 6),
            ApplyResult.WindowFull, ApplyResult.WindowFull,
            ApplyResult.Late,
        ];
        Assert.Equal(expected, log.Select(e => e.Result));
        Assert.Equal(10, tables.Events);
        Assert.Equal(1, tables.LateEvents);
        Assert.Equal(12_000, tables.EndMs);

        // The window holds pane 1's four counted events and pane 5's six.
        var inWindow = log.Skip(6).Take(4).Concat(log.Skip(13).Take(6));
        TableAssert.Matches(CountModel.From(inWindow.Select(e => (e.Level, e.Level % 2))), tables.FeatureTarget[0]);
    }

    [Fact]
    public void Apply_LaggedReferenceCouldTakeTwoFullPanes_HeldPanesKeepItAtTheLimit()
    {
        // Two panes and a lag of one: the reference is panes n − 2 and n − 1. Counting only the
        // window, pane 0 could fill it, and pane 1 fill it again once pane 0 left, leaving 20
        // events in the reference. The limit covers panes n − 2 to n instead.
        var spec = WindowSpec.Sliding(TimeSpan.FromSeconds(2), 2);
        var tables = Limited(spec, 10, referenceLagPanes: 1);
        var results = new List<ApplyResult>();
        void Apply(int count, long timeMs)
        {
            for (var i = 0; i < count; i++)
            {
                results.Add(tables.ApplyEvent(0, [i % 3], i % 2, timeMs));
            }
        }

        Apply(10, 0);         // pane 0
        Apply(1, 2_000);      // pane 2: the window moves to panes 1 and 2; pane 0 is still held
        Apply(10, 1_000);     // pane 1, inside the window, refused
        Apply(1, 3_000);      // pane 3: pane 0 is no longer held, so this one counts

        Assert.Equal(
            [.. Enumerable.Repeat(ApplyResult.Counted, 10), .. Enumerable.Repeat(ApplyResult.WindowFull, 11), ApplyResult.Counted],
            results);
        Assert.Equal(1, tables.Events);
        Assert.Equal(0, tables.Reference!.Events);
    }

    [Fact]
    public void Apply_RandomStreams_MatchRecountWithLimitAndNeverHoldMore()
    {
        var rng = new Random(20261204);
        long refused = 0, late = 0, resumed = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            var k = rng.Next(1, 5);
            var lag = rng.Next(0, 4);
            var paneMs = rng.Next(1, 6);
            var limit = rng.Next(3, 26);
            var length = TimeSpan.FromMilliseconds(k * paneMs);
            var spec = k == 1 ? WindowSpec.Tumbling(length) : WindowSpec.Sliding(length, k);
            var tables = Limited(spec, limit, referenceLagPanes: lag);

            // The recount: every accepted event with its pane, and the newest pane seen.
            var accepted = new List<(int Level, int Target, long Pane)>();
            long newest = long.MinValue;
            long clock = 100;
            var wasFull = false;
            for (var step = 0; step < 200; step++)
            {
                var roll = rng.Next(100);
                clock += roll < 80 ? rng.Next(0, 2) : roll < 95 ? rng.Next(1, 3 * paneMs) : rng.Next(k * paneMs, 3 * k * paneMs);
                var time = roll % 10 == 0 ? clock - rng.Next(0, (k + 2) * paneMs) : clock;
                var (level, target) = (rng.Next(3), rng.Next(3));

                var pane = time / paneMs;
                ApplyResult expected;
                if (pane > newest)
                {
                    newest = pane;
                }

                if (pane <= newest - k)
                {
                    expected = ApplyResult.Late;
                    late++;
                }
                else if (accepted.Count(e => e.Pane > newest - k - lag) >= limit)
                {
                    expected = ApplyResult.WindowFull;
                    refused++;
                }
                else
                {
                    expected = ApplyResult.Counted;
                    accepted.Add((level, target, pane));
                    resumed += wasFull ? 1 : 0;
                }

                wasFull = expected == ApplyResult.WindowFull || (wasFull && expected == ApplyResult.Late);
                Assert.Equal(expected, tables.ApplyEvent(0, [level], target, time));

                var window = accepted.Where(e => e.Pane > newest - k).ToList();
                Assert.Equal(window.Count, tables.Events);
                Assert.InRange(tables.Events, 0, limit);
                if (lag > 0)
                {
                    var reference = accepted.Where(e => e.Pane > newest - lag - k && e.Pane <= newest - lag);
                    Assert.Equal(reference.Count(), tables.Reference!.Events);
                    Assert.InRange(tables.Reference.Events, 0, limit);
                }
            }

            var inWindow = accepted.Where(e => e.Pane > newest - k).Select(e => (e.Level, e.Target));
            TableAssert.Matches(CountModel.From(inWindow), tables.FeatureTarget[0]);
            if (lag > 0)
            {
                var inReference = accepted
                    .Where(e => e.Pane > newest - lag - k && e.Pane <= newest - lag)
                    .Select(e => (e.Level, e.Target));
                TableAssert.Matches(CountModel.From(inReference), tables.Reference!.FeatureTarget[0]);
            }
        }

        // The streams exercised what they are meant to: full windows, late events, and counting
        // again after a full window made room.
        Assert.True(refused > 1_000, $"only {refused} events found the window full");
        Assert.True(late > 100, $"only {late} events were late");
        Assert.True(resumed > 100, $"counting resumed only {resumed} times after a full window");
    }

    [Fact]
    public void ReplacePartition_StateThatWouldOverfillWindow_IsRefusedAndTablesUnchanged()
    {
        var tables = Limited(s_tenSecondsInFivePanes, 10);
        for (var i = 0; i < 5; i++)
        {
            tables.ApplyEvent(0, [i % 3], i % 2, 1_000 + i);
        }

        var tooMany = Counted(partition: 1, events: 6);
        var error = Assert.Throws<ArgumentException>(() => tables.ReplacePartition(1, tooMany.ExportPartition(1)));
        Assert.Contains("11 events", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 10", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, tables.Events);
        Assert.Equal([0], tables.PartitionIds);

        // Five fit exactly; the window is then full until partition 1 leaves it again.
        tables.ReplacePartition(1, Counted(partition: 1, events: 5).ExportPartition(1));
        Assert.Equal(10, tables.Events);
        Assert.Equal(ApplyResult.WindowFull, tables.ApplyEvent(0, [0], 0, 1_100));

        tables.RemovePartition(1);
        Assert.Equal(ApplyResult.Counted, tables.ApplyEvent(0, [0], 0, 1_100));
        Assert.Equal(6, tables.Events);
    }

    private static WindowedTables Counted(int partition, int events)
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [3], 3);
        for (var i = 0; i < events; i++)
        {
            Assert.True(tables.Apply(partition, [i % 3], i % 2, 1_500 + i));
        }

        return tables;
    }

    private static WindowedTables Limited(
        WindowSpec window,
        long limit,
        int referenceLagPanes = 0,
        bool concurrentWriters = false,
        bool partitionPanes = true) =>
        new(
            window,
            [3],
            3,
            pairs: null,
            WindowedTables.DefaultPairLevelCap,
            referenceLagPanes,
            concurrentWriters,
            partitionPanes,
            limit);
}
