using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;
using static StreamMI.Engine.Tests.Support.FoldingStream;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Whole-stream tables built for concurrent writers: several threads apply disjoint parts of a
/// stream, and the tables end equal to a recount of the whole stream.
/// </summary>
public sealed class ConcurrentWholeStreamTests
{
    private const int Threads = 4;
    private static readonly int[] s_capacities = Capacities;

    [Fact]
    public void Apply_FourThreadsOnDisjointEvents_EveryTableEqualsRecountOfAllEvents()
    {
        var events = Events(200_000, new Random(41));
        (int A, int B)[] pairs = [(0, 1), (1, 2), (2, 0)];
        var tables = new WindowedTables(
            WindowSpec.WholeStream, s_capacities, 4, pairs, PairLevelCap, concurrentWriters: true);

        Concurrently.Run(Threads, t =>
        {
            for (var i = t; i < events.Length; i += Threads)
            {
                tables.Apply(events[i].Levels, events[i].Target, events[i].TimeMs);
            }
        });

        for (var f = 0; f < s_capacities.Length; f++)
        {
            var model = CountModel.From(events.Select(e => (e.Levels[f], e.Target)));
            TableAssert.Matches(model, tables.FeatureTarget[f]);
        }

        for (var p = 0; p < pairs.Length; p++)
        {
            var (a, b) = pairs[p];
            var model = CountModel.From(events.Select(e => (Fold(e.Levels[a]), Fold(e.Levels[b]))));
            TableAssert.Matches(model, tables.Pairs[p]);
        }

        Assert.Equal(events.Length, tables.Events);
        Assert.Equal(events.Min(e => e.TimeMs), tables.StartMs);
        Assert.Equal(events.Max(e => e.TimeMs), tables.EndMs);
    }

    [Fact]
    public void Apply_SingleWriterTables_EqualConcurrentWriterTablesBitForBit()
    {
        var events = Events(50_000, new Random(42));
        (int A, int B)[] pairs = [(0, 1), (1, 2)];
        var single = new WindowedTables(WindowSpec.WholeStream, s_capacities, 4, pairs, PairLevelCap);
        var shared = new WindowedTables(
            WindowSpec.WholeStream, s_capacities, 4, pairs, PairLevelCap, concurrentWriters: true);

        foreach (var e in events)
        {
            single.Apply(e.Levels, e.Target, e.TimeMs);
            shared.Apply(e.Levels, e.Target, e.TimeMs);
        }

        var both = single.FeatureTarget.Concat(single.Pairs)
            .Zip(shared.FeatureTarget.Concat(shared.Pairs));
        foreach (var (a, b) in both)
        {
            Assert.Equal(a.Recount(), b.Recount());
            Assert.Equal((a.SumPhi, a.NonZeroCells), (b.SumPhi, b.NonZeroCells));
            Assert.Equal((a.Rows.SumPhi, a.Columns.SumPhi), (b.Rows.SumPhi, b.Columns.SumPhi));
            Assert.Equal(a.MutualInformationNats(), b.MutualInformationNats());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Constructor_ConcurrentWritersOnRotatingWindow_Throws(bool tumbling)
    {
        var window = tumbling
            ? WindowSpec.Tumbling(TimeSpan.FromMinutes(1))
            : WindowSpec.Sliding(TimeSpan.FromMinutes(1), 6);

        var error = Assert.Throws<ArgumentException>(
            () => new WindowedTables(window, [2], 2, concurrentWriters: true));

        Assert.Equal("concurrentWriters", error.ParamName);
    }

    [Fact]
    public void PartitionState_ConcurrentWriterTables_KeepNoPanesAndRefuseExportAndReplace()
    {
        var tables = new WindowedTables(WindowSpec.WholeStream, [2], 2, concurrentWriters: true);
        var state = new WindowedTables(WindowSpec.WholeStream, [2], 2).ExportPartition(0);

        tables.Apply(0, [1], 1, 1_000);

        Assert.Empty(tables.PartitionIds);
        Assert.Throws<InvalidOperationException>(() => tables.ExportPartition(0));
        Assert.Throws<InvalidOperationException>(() => tables.ReplacePartition(0, state));
    }

    [Fact]
    public void Apply_WholeStreamWithoutPanes_EqualsTablesWithPanesBitForBit()
    {
        var events = Events(20_000, new Random(43));
        (int A, int B)[] pairs = [(0, 1), (1, 2)];
        var withPanes = new WindowedTables(WindowSpec.WholeStream, s_capacities, 4, pairs, PairLevelCap);
        var without = new WindowedTables(
            WindowSpec.WholeStream, s_capacities, 4, pairs, PairLevelCap, partitionPanes: false);

        foreach (var e in events)
        {
            withPanes.Apply(e.Levels, e.Target, e.TimeMs);
            without.Apply(e.Levels, e.Target, e.TimeMs);
        }

        var tables = withPanes.FeatureTarget.Concat(withPanes.Pairs)
            .Zip(without.FeatureTarget.Concat(without.Pairs));
        Assert.All(tables, t => Assert.Equal(
            (t.First.SumPhi, t.First.NonZeroCells, t.First.Rows.SumPhi, t.First.Columns.SumPhi),
            (t.Second.SumPhi, t.Second.NonZeroCells, t.Second.Rows.SumPhi, t.Second.Columns.SumPhi)));
        Assert.False(without.KeepsPartitionPanes);
        Assert.Throws<InvalidOperationException>(() => without.ExportPartition(0));
        Assert.Equal((withPanes.StartMs, withPanes.EndMs), (without.StartMs, without.EndMs));
    }

    [Fact]
    public void Constructor_RotatingWindowWithoutPanes_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new WindowedTables(
            WindowSpec.Sliding(TimeSpan.FromMinutes(1), 6), [2], 2, partitionPanes: false));

        Assert.Equal("partitionPanes", error.ParamName);
    }

    [Fact]
    public void Constructor_ByDefault_BuildsSingleWriterTables()
    {
        var single = new WindowedTables(WindowSpec.WholeStream, [2, 3], 2, [(0, 1)]);
        var shared = new WindowedTables(WindowSpec.WholeStream, [2, 3], 2, [(0, 1)], concurrentWriters: true);

        Assert.False(single.ConcurrentWriters);
        Assert.All(single.FeatureTarget.Concat(single.Pairs), t => Assert.False(t.ConcurrentWriters));
        Assert.True(shared.ConcurrentWriters);
        Assert.All(shared.FeatureTarget.Concat(shared.Pairs), t => Assert.True(t.ConcurrentWriters));
        Assert.All(shared.FeatureTarget, t => Assert.True(t.Rows.ConcurrentWriters && t.Columns.ConcurrentWriters));
    }
}
