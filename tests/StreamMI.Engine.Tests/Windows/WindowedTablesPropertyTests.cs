using CsCheck;
using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Random streams through a window of panes, checked after every event against a recount of the
/// events that are still inside the window.
/// </summary>
public sealed class WindowedTablesPropertyTests
{
    private static readonly Gen<Step[]> s_steps = Gen.Select(
            Gen.Int[0, 99], Gen.Int[0, 100_000], Gen.Int[0, 6].Array[3], Gen.Int[0, 3],
            (kind, amount, levels, target) => new Step(kind, amount, levels, target))
        .Array[1, 150];

    private static readonly Gen<Scenario> s_scenario = Gen.Select(
        Gen.Int[1, 6],
        Gen.Int[1, 40],
        Gen.Int[1, 7].Array[1, 3],
        Gen.Int[1, 4],
        Gen.Int[1, 3],
        Gen.Long[-5_000, 5_000],
        Gen.Bool,
        s_steps,
        (panes, paneMs, capacities, target, pairCap, start, tumbling, steps) => new Scenario(
            panes, paneMs, capacities, target, pairCap, start, tumbling && panes == 1, steps));

    [Fact]
    public void Apply_RandomStreamWithJumpsAndLateEvents_TablesEqualRecountOfWindowAfterEveryEvent()
    {
        // Tallies over all runs, to show the generator reached the cases that matter.
        long jumps = 0, late = 0, folded = 0, tumbling = 0;
        s_scenario.Sample(scenario =>
        {
            var tables = scenario.CreateTables();
            var model = new WindowModel(scenario.Panes, scenario.PaneMs);
            var window = (long)scenario.Panes * scenario.PaneMs;
            var clock = scenario.StartMs;

            foreach (var step in scenario.Steps)
            {
                // The clock is the newest event time: it moves forward a little, stays, or jumps
                // past the whole window; other events come from behind it, inside the window or
                // from panes that have already left it.
                long time;
                switch (step.Kind)
                {
                    case < 45:
                        clock += step.Amount % ((2 * scenario.PaneMs) + 1);
                        time = clock;
                        break;
                    case < 55:
                        time = clock;
                        break;
                    case < 63:
                        clock += window + (step.Amount % (3 * window));
                        time = clock;
                        Interlocked.Increment(ref jumps);
                        break;
                    case < 82:
                        time = clock - (step.Amount % window);
                        break;
                    default:
                        time = clock - window - (step.Amount % (2 * window));
                        break;
                }

                var levels = scenario.Levels(step);
                var target = step.Target % scenario.TargetCapacity;
                Assert.Equal(model.Apply(levels, target, time), tables.Apply(levels, target, time));
                AssertWindowMatches(scenario, model, tables);
                if (levels.Any(level => level >= 2 * scenario.PairLevelCap) && levels.Length > 1)
                {
                    Interlocked.Increment(ref folded);
                }
            }

            Interlocked.Add(ref late, model.Late);
            Interlocked.Add(ref tumbling, scenario.Tumbling ? 1 : 0);
        }, iter: 250);

        Assert.True(
            jumps > 0 && late > 0 && folded > 0 && tumbling > 0,
            $"jumps {jumps}, late {late}, folded {folded}, tumbling runs {tumbling}");
    }

    [Fact]
    public void Apply_WindowMovesFromStreamAToStreamB_BitIdenticalToFreshTablesFedBAlone()
    {
        var gen = Gen.Select(s_scenario, s_steps, Gen.Int[0, 3]);
        gen.Sample((scenario, later, extraPanes) =>
        {
            var window = (long)scenario.Panes * scenario.PaneMs;

            // Stream A: the scenario's events, in order or not. Stream B: later events in time
            // order, starting after A and running until A's last pane has left the window.
            var a = new List<(int[] Levels, int Target, long Time)>();
            var clock = scenario.StartMs;
            foreach (var step in scenario.Steps)
            {
                clock += step.Amount % (2 * scenario.PaneMs);
                var time = step.Kind < 70 ? clock : clock - (step.Amount % (2 * window));
                a.Add((scenario.Levels(step), step.Target % scenario.TargetCapacity, time));
            }

            var b = new List<(int[] Levels, int Target, long Time)>();
            var end = clock + window + (extraPanes * scenario.PaneMs);
            for (var i = 0; i < later.Length; i++)
            {
                var step = later[i];
                var time = clock + (((end - clock) * (i + 1)) / later.Length);
                b.Add((scenario.Levels(step), step.Target % scenario.TargetCapacity, time));
            }

            var moved = scenario.CreateTables();
            var fresh = scenario.CreateTables();
            foreach (var e in a)
            {
                moved.Apply(e.Levels, e.Target, e.Time);
            }

            foreach (var e in b)
            {
                moved.Apply(e.Levels, e.Target, e.Time);
                fresh.Apply(e.Levels, e.Target, e.Time);
            }

            Assert.Equal(fresh.Events, moved.Events);
            Assert.Equal(fresh.StartMs, moved.StartMs);
            Assert.Equal(fresh.EndMs, moved.EndMs);
            for (var f = 0; f < fresh.FeatureTarget.Count; f++)
            {
                AssertBitIdentical(fresh.FeatureTarget[f], moved.FeatureTarget[f]);
            }

            for (var p = 0; p < fresh.Pairs.Count; p++)
            {
                AssertBitIdentical(fresh.Pairs[p], moved.Pairs[p]);
            }
        }, iter: 250);
    }

    [Fact]
    public void Apply_WholeStreamInAnyTimeOrder_CountsEveryEventAndNeverExpires()
    {
        var gen = Gen.Select(Gen.Int[1, 7].Array[1, 3], Gen.Int[1, 4], s_steps);
        gen.Sample((capacities, targetCapacity, steps) =>
        {
            var tables = new WindowedTables(WindowSpec.WholeStream, capacities, targetCapacity);
            var events = new List<(int[] Levels, int Target)>();

            foreach (var step in steps)
            {
                var levels = capacities.Select((c, f) => step.Levels[f] % c).ToArray();
                var target = step.Target % targetCapacity;
                var time = (step.Amount * 1_000_000L) - 50_000_000_000L;
                Assert.True(tables.Apply(levels, target, time));
                events.Add((levels, target));
            }

            Assert.Equal(0, tables.LateEvents);
            Assert.Equal(steps.Min(s => (s.Amount * 1_000_000L) - 50_000_000_000L), tables.StartMs);
            Assert.Equal(steps.Max(s => (s.Amount * 1_000_000L) - 50_000_000_000L), tables.EndMs);
            for (var f = 0; f < capacities.Length; f++)
            {
                var model = CountModel.From(events.Select(e => (e.Levels[f], e.Target)));
                TableAssert.Matches(model, tables.FeatureTarget[f]);
            }
        }, iter: 200);
    }

    private static void AssertWindowMatches(
        Scenario scenario,
        WindowModel model,
        WindowedTables tables)
    {
        var inWindow = model.InWindow().ToList();
        Assert.Equal(inWindow.Count, tables.Events);
        Assert.Equal(model.Late, tables.LateEvents);
        Assert.Equal((model.NewestPane + 1) * scenario.PaneMs, tables.EndMs);
        Assert.Equal((model.NewestPane - scenario.Panes + 1) * scenario.PaneMs, tables.StartMs);

        for (var f = 0; f < scenario.FeatureCapacities.Length; f++)
        {
            var expected = CountModel.From(inWindow.Select(e => (e.Levels[f], e.Target)));
            Assert.Same(tables.Features[f], tables.FeatureTarget[f].Rows);
            Assert.Same(tables.Target, tables.FeatureTarget[f].Columns);
            TableAssert.Matches(expected, tables.FeatureTarget[f]);
        }

        for (var p = 0; p < tables.Pairs.Count; p++)
        {
            var (a, b) = tables.PairFeatures[p];
            var expected = CountModel.From(
                inWindow.Select(e => (scenario.Fold(e.Levels[a]), scenario.Fold(e.Levels[b]))));
            TableAssert.Matches(expected, tables.Pairs[p]);
        }
    }

    private static void AssertBitIdentical(ContingencyTable expected, ContingencyTable actual)
    {
        for (var row = 0; row < expected.Rows.Levels; row++)
        {
            for (var column = 0; column < expected.Columns.Levels; column++)
            {
                Assert.Equal(expected.Count(row, column), actual.Count(row, column));
            }
        }

        Assert.Equal(expected.SumPhi, actual.SumPhi);
        Assert.Equal(expected.NonZeroCells, actual.NonZeroCells);
        Assert.Equal(expected.Rows.SumPhi, actual.Rows.SumPhi);
        Assert.Equal(expected.Columns.SumPhi, actual.Columns.SumPhi);
        Assert.Equal(expected.Rows.NonZeroLevels, actual.Rows.NonZeroLevels);
        Assert.Equal(expected.Columns.NonZeroLevels, actual.Columns.NonZeroLevels);
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.MutualInformationNats(), actual.MutualInformationNats());
    }

    /// <summary>One generated event: how time moves, and raw levels to reduce.</summary>
    internal sealed record Step(int Kind, int Amount, int[] Levels, int Target);

    /// <summary>A window shape, feature sizes and a stream of steps.</summary>
    internal sealed record Scenario(
        int Panes,
        int PaneMs,
        int[] FeatureCapacities,
        int TargetCapacity,
        int PairLevelCap,
        long StartMs,
        bool Tumbling,
        Step[] Steps)
    {
        public WindowedTables CreateTables()
        {
            var length = TimeSpan.FromMilliseconds((long)Panes * PaneMs);
            var spec = Tumbling ? WindowSpec.Tumbling(length) : WindowSpec.Sliding(length, Panes);
            var pairs = new List<(int A, int B)>();
            for (var a = 0; a < FeatureCapacities.Length; a++)
            {
                for (var b = a + 1; b < FeatureCapacities.Length; b++)
                {
                    pairs.Add((a, b));
                }
            }

            // One reversed pair, so a pair table's rows need not come from the lower feature.
            if (FeatureCapacities.Length > 1)
            {
                pairs.Add((1, 0));
            }

            return new WindowedTables(spec, FeatureCapacities, TargetCapacity, pairs, PairLevelCap);
        }

        public int[] Levels(Step step) =>
            [.. FeatureCapacities.Select((c, f) => step.Levels[f] % c)];

        /// <summary>
        /// The documented folding of a level for pair tables: levels below twice the cap stay,
        /// higher levels share the cap's levels upward by their remainder modulo the cap.
        /// </summary>
        public int Fold(int level) =>
            level < 2 * PairLevelCap ? level : PairLevelCap + (level % PairLevelCap);
    }
}
