using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;
using static StreamMI.Engine.Tests.Support.FoldingStream;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Whole-stream tables added up: shards that each counted part of a stream, added into one set of
/// tables, equal a recount of the whole stream.
/// </summary>
public sealed class WindowedTablesAddCountsTests
{
    private const int Shards = 3;
    private static readonly int[] s_capacities = Capacities;
    private static readonly (int A, int B)[] s_pairs = [(0, 1), (1, 2), (2, 0)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddCounts_ShardsOfDisjointEvents_EveryTableEqualsRecountOfAllEvents(bool concurrentTarget)
    {
        var events = Events(60_000, new Random(51));
        var total = new WindowedTables(
            WindowSpec.WholeStream,
            s_capacities,
            4,
            s_pairs,
            PairLevelCap,
            concurrentWriters: concurrentTarget,
            partitionPanes: false);
        var shards = Enumerable.Range(0, Shards)
            .Select(_ => new WindowedTables(
                WindowSpec.WholeStream, s_capacities, 4, s_pairs, PairLevelCap, partitionPanes: false))
            .ToList();
        for (var i = 0; i < events.Length; i++)
        {
            // The first events go to the total itself, as a scan's warm-up does.
            var to = i < 1_000 ? total : shards[i % Shards];
            to.Apply(events[i].Levels, events[i].Target, events[i].TimeMs);
        }

        shards.ForEach(total.AddCounts);

        for (var f = 0; f < s_capacities.Length; f++)
        {
            var model = CountModel.From(events.Select(e => (e.Levels[f], e.Target)));
            TableAssert.Matches(model, total.FeatureTarget[f]);
            TableAssert.MarginMatches(model.RowTotals(), total.Features[f]);
        }

        for (var p = 0; p < s_pairs.Length; p++)
        {
            var (a, b) = s_pairs[p];
            var model = CountModel.From(events.Select(e => (Fold(e.Levels[a]), Fold(e.Levels[b]))));
            TableAssert.Matches(model, total.Pairs[p]);
        }

        Assert.Equal(events.Length, total.Events);
        Assert.Equal(events.Min(e => e.TimeMs), total.StartMs);
        Assert.Equal(events.Max(e => e.TimeMs), total.EndMs);
        Assert.Equal(1.0, total.Fill);
    }

    [Fact]
    public void AddCounts_IntoEmptyTables_TakesTheShardsTimeSpanAndFill()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [2], 2, partitionPanes: false);
        var shard = new WindowedTables(WindowSpec.WholeStream, [2], 2, partitionPanes: false);
        shard.Apply([1], 1, 5_000);
        shard.Apply([0], 1, 2_000);

        total.AddCounts(shard);

        Assert.Equal((2_000L, 5_000L), (total.StartMs!.Value, total.EndMs!.Value));
        Assert.Equal(1.0, total.Fill);
        Assert.Equal(2, total.Events);
    }

    [Fact]
    public void AddCounts_OtherPairsOrCapacities_Throws()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [3, 4], 2, [(0, 1)], partitionPanes: false);

        Assert.Throws<ArgumentException>(() => total.AddCounts(
            new WindowedTables(WindowSpec.WholeStream, [3, 4], 2, [(1, 0)], partitionPanes: false)));
        Assert.Throws<ArgumentException>(() => total.AddCounts(
            new WindowedTables(WindowSpec.WholeStream, [3, 5], 2, [(0, 1)], partitionPanes: false)));
        Assert.Throws<ArgumentException>(() => total.AddCounts(
            new WindowedTables(WindowSpec.WholeStream, [3, 4], 3, [(0, 1)], partitionPanes: false)));
        Assert.Throws<ArgumentException>(() => total.AddCounts(total));
    }

    [Fact]
    public void AddCounts_TablesKeepingPanes_Throws()
    {
        var withPanes = new WindowedTables(WindowSpec.WholeStream, [2], 2);
        var without = new WindowedTables(WindowSpec.WholeStream, [2], 2, partitionPanes: false);

        Assert.Throws<InvalidOperationException>(() => withPanes.AddCounts(without));
        Assert.Throws<InvalidOperationException>(() => without.AddCounts(withPanes));
    }
}
