using CsCheck;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Drift;

/// <summary>
/// A window with a lagged reference, against a recount: after every event the reference tables
/// hold exactly the accepted events whose pane is L to L + K − 1 panes behind the newest, and the
/// window still holds the last K panes.
/// </summary>
public sealed class LaggedReferenceTests
{
    private static readonly Gen<(int Kind, int Amount, int Level0, int Level1, int Target)[]> s_steps =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 100_000], Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 2])
            .Array[1, 120];

    [Fact]
    public void Apply_RandomStreamWithJumpsAndLateEvents_ReferenceEqualsRecountOfLaggedPanes()
    {
        long overlapping = 0, disjoint = 0, jumps = 0, lateIntoReference = 0;
        var gen = Gen.Select(Gen.Int[1, 5], Gen.Int[1, 8], Gen.Int[1, 20], Gen.Bool, s_steps);
        gen.Sample((panes, lag, paneMs, tumbling, steps) =>
        {
            var k = tumbling ? 1 : panes;
            var length = TimeSpan.FromMilliseconds((long)k * paneMs);
            var spec = tumbling ? WindowSpec.Tumbling(length) : WindowSpec.Sliding(length, k);
            var tables = new WindowedTables(spec, [6, 4], 3, [(0, 1)], referenceLagPanes: lag);
            var model = new WindowModel(k, paneMs);
            var accepted = new List<(int[] Levels, int Target, long Pane)>();
            var window = (long)k * paneMs;
            long clock = 1_000;
            Interlocked.Add(ref lag < k ? ref overlapping : ref disjoint, 1);

            foreach (var (kind, amount, level0, level1, target) in steps)
            {
                long time;
                if (kind < 50)
                {
                    clock += amount % ((2 * paneMs) + 1);
                    time = clock;
                }
                else if (kind < 58)
                {
                    clock += (lag * paneMs) + window + (amount % (2 * window));
                    time = clock;
                    Interlocked.Increment(ref jumps);
                }
                else
                {
                    time = clock - (amount % (window + (lag * paneMs) + paneMs));
                }

                int[] levels = [level0, level1];
                var newestBefore = model.NewestPane;
                var isAccepted = model.Apply(levels, target, time);
                Assert.Equal(isAccepted, tables.Apply(levels, target, time));
                var pane = (long)Math.Floor(time / (double)paneMs);
                if (isAccepted)
                {
                    accepted.Add((levels, target, pane));
                    if (newestBefore is { } before && pane <= before - lag)
                    {
                        Interlocked.Increment(ref lateIntoReference);
                    }
                }

                var newest = model.NewestPane!.Value;
                var inReference = accepted
                    .Where(e => e.Pane <= newest - lag && e.Pane > newest - lag - k)
                    .ToList();
                var reference = tables.Reference!;
                Assert.Equal(inReference.Count, reference.Events);
                Assert.Equal((newest - lag - k + 1) * paneMs, tables.ReferenceStartMs);
                Assert.Equal((newest - lag + 1) * paneMs, tables.ReferenceEndMs);
                for (var f = 0; f < 2; f++)
                {
                    var expected = CountModel.From(inReference.Select(e => (e.Levels[f], e.Target)));
                    TableAssert.Matches(expected, reference.FeatureTarget[f]);
                    Assert.Same(reference.Features[f], reference.FeatureTarget[f].Rows);
                }

                var current = model.InWindow().ToList();
                Assert.Equal(current.Count, tables.Events);
                TableAssert.Matches(CountModel.From(current.Select(e => (e.Levels[0], e.Target))), tables.FeatureTarget[0]);
                TableAssert.Matches(CountModel.From(current.Select(e => (e.Levels[0], e.Levels[1]))), tables.Pairs[0]);
            }
        }, iter: 300);

        Assert.True(
            overlapping > 0 && disjoint > 0 && jumps > 0 && lateIntoReference > 0,
            $"overlapping {overlapping}, disjoint {disjoint}, jumps {jumps}, late into reference {lateIntoReference}");
    }

    [Fact]
    public void ReferenceFill_AdvancesOnePaneAtATimeAfterTheLag()
    {
        // Four panes of 10 ms, lagging by 2: the reference covers panes n − 5 … n − 2.
        var tables = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromMilliseconds(40), 4), [2], 2, referenceLagPanes: 2);
        double[] expected = [0, 0, 0.25, 0.5, 0.75, 1, 1];

        for (var pane = 0; pane < expected.Length; pane++)
        {
            tables.Apply([1], 1, (pane * 10) + 5);
            Assert.Equal(expected[pane], tables.ReferenceFill);
        }

        Assert.Equal(4, tables.Reference!.Events);
    }

    [Fact]
    public void Create_LagOnWholeStream_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WindowedTables(WindowSpec.WholeStream, [2], 2, referenceLagPanes: 3));
    }

    [Fact]
    public void SelectPairs_BeforeTheFirstEvent_CountsPairsFromThenOn()
    {
        var tables = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromMilliseconds(20), 2), [3, 3, 3], 2);
        tables.SelectPairs([(0, 2)]);

        tables.Apply([1, 2, 1], 1, 5);
        tables.Apply([2, 2, 2], 0, 15);
        tables.Apply([1, 0, 2], 1, 25);

        Assert.Equal([(0, 2)], tables.PairFeatures);
        TableAssert.Matches(CountModel.From([(2, 2), (1, 2)]), tables.Pairs[0]);
        Assert.Throws<InvalidOperationException>(() => tables.SelectPairs([(0, 1)]));
    }
}
