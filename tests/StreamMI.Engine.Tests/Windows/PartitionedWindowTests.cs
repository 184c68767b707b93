using CsCheck;
using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Windows whose panes are kept per input partition: counted live, saved, restored elsewhere and
/// merged, always checked against a recount of the events the window should hold.
/// </summary>
public sealed class PartitionedWindowTests
{
    private static readonly Gen<Scenario> s_scenario = Gen.Select(
        Gen.Int[1, 5],
        Gen.Int[1, 30],
        Gen.Int[1, 4],
        Gen.Int[0, 3],
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 60], Gen.Int[0, 5].Array[2], Gen.Int[0, 2], Gen.Int[0, 3],
            (kind, amount, levels, target, partition) => new Step(kind, amount, levels, target, partition)).Array[1, 120],
        (panes, paneMs, partitions, lag, steps) => new Scenario(panes, paneMs, partitions, lag, steps));

    [Fact]
    public void Apply_PartitionsWithSkewedClocks_TablesEqualRecountAfterEveryEvent()
    {
        long keptOutsideWindow = 0, dropped = 0;
        s_scenario.Sample(scenario =>
        {
            var tables = scenario.CreateTables();
            var model = new PartitionedWindowModel(scenario.Panes, scenario.PaneMs, scenario.Lag);

            foreach (var (partition, levels, target, time) in scenario.Events())
            {
                var expected = model.Apply(partition, levels, target, time);
                Assert.Equal(expected, tables.Apply(partition, levels, target, time));
                AssertMatches(model.InWindow(), tables);
                AssertReferenceMatches(model.InReference(), tables);
                Assert.Equal(model.Late, tables.LateEvents);
            }

            Interlocked.Add(ref dropped, model.Late);
            Interlocked.Add(ref keptOutsideWindow, scenario.Partitions > 1 ? model.Late : 0);
        }, iter: 60);

        Assert.True(dropped > 0 && keptOutsideWindow > 0, $"late {dropped}, across partitions {keptOutsideWindow}");
    }

    [Fact]
    public void ReplacePartition_EveryPartitionSavedAndRestoredMidStream_EndsBitIdenticalToUninterrupted()
    {
        var gen = Gen.Select(s_scenario, Gen.Int[0, 100], Gen.Int[0, 1000]);
        gen.Sample((scenario, cutPercent, seed) =>
        {
            var events = scenario.Events().ToList();
            var cut = events.Count * cutPercent / 100;
            var uninterrupted = scenario.CreateTables();
            var first = scenario.CreateTables();
            foreach (var (partition, levels, target, time) in events.Take(cut))
            {
                uninterrupted.Apply(partition, levels, target, time);
                first.Apply(partition, levels, target, time);
            }

            // A second process restores every partition, in any order, and goes on counting.
            var restarted = scenario.CreateTables();
            var order = Enumerable.Range(0, scenario.Partitions).OrderBy(_ => Random.Shared.Next()).ToList();
            foreach (var partition in order)
            {
                restarted.ReplacePartition(partition, first.ExportPartition(partition));
            }

            foreach (var (partition, levels, target, time) in events.Skip(cut))
            {
                uninterrupted.Apply(partition, levels, target, time);
                restarted.Apply(partition, levels, target, time);
            }

            AssertBitIdentical(uninterrupted, restarted);
        }, iter: 100);
    }

    [Fact]
    public void ReplacePartition_ReplicasEachCountingSomePartitions_MergedWindowEqualsOneProcessOverAll()
    {
        s_scenario.Sample(scenario =>
        {
            var events = scenario.Events().ToList();
            var single = scenario.CreateTables();
            var even = scenario.CreateTables();
            var odd = scenario.CreateTables();
            foreach (var (partition, levels, target, time) in events)
            {
                single.Apply(partition, levels, target, time);
                (partition % 2 == 0 ? even : odd).Apply(partition, levels, target, time);
            }

            // Each replica merges in the partitions the other one owns.
            for (var partition = 0; partition < scenario.Partitions; partition++)
            {
                var (owner, other) = partition % 2 == 0 ? (even, odd) : (odd, even);
                other.ReplacePartition(partition, owner.ExportPartition(partition));
            }

            var model = new PartitionedWindowModel(scenario.Panes, scenario.PaneMs, scenario.Lag);
            foreach (var (partition, levels, target, time) in events)
            {
                model.Apply(partition, levels, target, time);
            }

            AssertMatches(model.InWindow(), single);
            AssertReferenceMatches(model.InReference(), single);
            AssertBitIdentical(single, even);
            AssertBitIdentical(single, odd);
        }, iter: 100);
    }

    [Fact]
    public void ReplacePartition_NewerStateOfAPartition_ReplacesTheOlderOneWithoutDoubleCounting()
    {
        var tables = new WindowedTables(WindowSpec.WholeStream, [3], 2);
        var owner = new WindowedTables(WindowSpec.WholeStream, [3], 2);
        tables.Apply(0, [1], 0, 0);
        owner.Apply(1, [2], 1, 0);
        tables.ReplacePartition(1, owner.ExportPartition(1));
        owner.Apply(1, [2], 1, 0);
        owner.Apply(1, [0], 1, 0);

        tables.ReplacePartition(1, owner.ExportPartition(1));

        AssertMatches([([1], 0), ([2], 1), ([2], 1), ([0], 1)], tables);
    }

    [Fact]
    public void RemovePartition_OneOfThree_WindowHoldsTheOtherTwoOnly()
    {
        var tables = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromSeconds(4), 4), [3], 2);
        (int Partition, int Level, int Target, long Time)[] events =
            [(0, 1, 0, 500), (1, 2, 1, 1500), (2, 0, 1, 2500), (1, 2, 0, 3500), (0, 1, 1, 3600)];
        foreach (var (partition, level, target, time) in events)
        {
            tables.Apply(partition, [level], target, time);
        }

        tables.RemovePartition(1);

        AssertMatches([([1], 0), ([0], 1), ([1], 1)], tables);
        Assert.Equal([0, 2], tables.PartitionIds);
    }

    [Fact]
    public void ExportPartition_SlidingWindow_SavesOnlyThePartitionsNonEmptyPanesInTimeOrder()
    {
        var tables = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromSeconds(3), 3), [4], 2);
        tables.Apply(7, [1], 0, 1_000);
        tables.Apply(7, [2], 1, 3_500);
        tables.Apply(7, [2], 1, 3_900);
        tables.Apply(3, [3], 1, 9_000);

        var saved = tables.ExportPartition(7);

        Assert.Equal(3, saved.NewestPane);
        Assert.Equal(1, saved.FirstPane);
        Assert.Equal(1_000, saved.MinTimeMs);
        Assert.Equal(3_900, saved.MaxTimeMs);
        Assert.Equal([1L, 3L], saved.Panes.Select(p => p.Id));
        Assert.Equal([new TableCell(1, 0, 1)], saved.Panes[0].FeatureTarget[0]);
        Assert.Equal([new TableCell(2, 1, 2)], saved.Panes[1].FeatureTarget[0]);
        Assert.Same(PartitionWindowState.Empty, tables.ExportPartition(5));
    }

    [Theory]
    [InlineData(5, 1, 1, 1, "outside a window")]
    [InlineData(3, 9, 1, 1, "does not fit")]
    [InlineData(3, 1, 0, 1, "does not fit")]
    [InlineData(3, 1, 1, 2, "must agree")]
    public void FindProblem_StateThatDoesNotFit_SaysWhy(long paneId, int row, int count, int pairCount, string expected)
    {
        var tables = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromSeconds(3), 3), [4, 2], 2, [(0, 1)]);
        var pane = new PaneState(
            paneId,
            [[new TableCell(row, 1, count)], [new TableCell(1, 1, count)]],
            [[new TableCell(1, 1, pairCount)]]);
        var state = new PartitionWindowState(4, 2, 0, 0, [pane]);

        var problem = tables.FindProblem(state);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tables.ReplacePartition(0, state));
        Assert.Equal(0, tables.Events);
    }

    private static void AssertMatches(IEnumerable<(int[] Levels, int Target)> inWindow, WindowedTables tables)
    {
        var events = inWindow.ToList();
        Assert.Equal(events.Count, tables.Events);
        for (var f = 0; f < tables.FeatureTarget.Count; f++)
        {
            TableAssert.Matches(CountModel.From(events.Select(e => (e.Levels[f], e.Target))), tables.FeatureTarget[f]);
        }

        for (var p = 0; p < tables.Pairs.Count; p++)
        {
            var (a, b) = tables.PairFeatures[p];
            TableAssert.Matches(CountModel.From(events.Select(e => (e.Levels[a], e.Levels[b]))), tables.Pairs[p]);
        }
    }

    private static void AssertReferenceMatches(IEnumerable<(int[] Levels, int Target)> inReference, WindowedTables tables)
    {
        if (tables.Reference is not { } reference)
        {
            return;
        }

        var events = inReference.ToList();
        Assert.Equal(events.Count, reference.Events);
        for (var f = 0; f < reference.FeatureTarget.Count; f++)
        {
            TableAssert.Matches(CountModel.From(events.Select(e => (e.Levels[f], e.Target))), reference.FeatureTarget[f]);
        }
    }

    private static void AssertBitIdentical(WindowedTables expected, WindowedTables actual)
    {
        if (expected.Reference is { } reference)
        {
            Assert.Equal(reference.Events, actual.Reference!.Events);
            foreach (var (e, a) in reference.FeatureTarget.Zip(actual.Reference.FeatureTarget))
            {
                AssertBitIdentical(e, a);
            }
        }

        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.StartMs, actual.StartMs);
        Assert.Equal(expected.EndMs, actual.EndMs);
        Assert.Equal(expected.Fill, actual.Fill);
        foreach (var (e, a) in expected.FeatureTarget.Zip(actual.FeatureTarget).Concat(expected.Pairs.Zip(actual.Pairs)))
        {
            AssertBitIdentical(e, a);
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
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.MutualInformationNats(), actual.MutualInformationNats());
    }

    /// <summary>One generated event: how its partition's clock moves, levels and partition.</summary>
    internal sealed record Step(int Kind, int Amount, int[] Levels, int Target, int Partition);

    /// <summary>
    /// A sliding window over some partitions, each with a clock of its own, with a lagged reference
    /// <see cref="Lag"/> panes behind when that is not zero.
    /// </summary>
    internal sealed record Scenario(int Panes, int PaneMs, int Partitions, int Lag, Step[] Steps)
    {
        public WindowedTables CreateTables() => new(
            WindowSpec.Sliding(TimeSpan.FromMilliseconds((long)Panes * PaneMs), Panes),
            [6, 6],
            3,
            [(0, 1)],
            referenceLagPanes: Lag);

        // Partition p's clock runs p × window behind partition 0's at the start and moves on its
        // own, so some partitions lag behind the window while staying inside their own.
        public IEnumerable<(int Partition, int[] Levels, int Target, long Time)> Events()
        {
            var window = (long)Panes * PaneMs;
            var clocks = Enumerable.Range(0, Partitions).Select(p => 10_000 - (p * window)).ToArray();
            foreach (var step in Steps)
            {
                var partition = step.Partition % Partitions;
                long time;
                if (step.Kind < 60)
                {
                    clocks[partition] += step.Amount % (2 * PaneMs);
                    time = clocks[partition];
                }
                else if (step.Kind < 70)
                {
                    clocks[partition] += window + step.Amount;
                    time = clocks[partition];
                }
                else
                {
                    time = clocks[partition] - (step.Amount % (2 * window));
                }

                yield return (partition, step.Levels, step.Target, time);
            }
        }
    }
}
