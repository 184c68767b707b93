using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;
using static StreamMI.Engine.Tests.Support.FoldingStream;

namespace StreamMI.Engine.Tests.Windows;

/// <summary>
/// Tallies of cells without sums, added into whole-stream tables: the tables then equal a recount
/// of every event, margins and φ sums included, as if each event had been applied to them.
/// </summary>
public sealed class WholeStreamTallyTests
{
    private static readonly (int A, int B)[] s_pairs = [(0, 1), (1, 2), (2, 0)];

    [Fact]
    public void AddCounts_TalliesOfDisjointEvents_EveryTableAndMarginEqualsRecountOfAllEvents()
    {
        var events = Events(60_000, new Random(52));
        var total = new WindowedTables(
            WindowSpec.WholeStream, Capacities, 4, s_pairs, PairLevelCap, partitionPanes: false);
        var tallies = Enumerable.Range(0, 3).Select(_ => total.CreateTally()).ToList();
        for (var i = 0; i < events.Length; i++)
        {
            // The first events go to the tables themselves, as a scan's warm-up does.
            if (i < 1_000)
            {
                total.Apply(events[i].Levels, events[i].Target, events[i].TimeMs);
            }
            else
            {
                tallies[i % tallies.Count].Count(events[i].Levels, events[i].Target, events[i].TimeMs);
            }
        }

        tallies.ForEach(total.AddCounts);

        for (var f = 0; f < Capacities.Length; f++)
        {
            var model = CountModel.From(events.Select(e => (e.Levels[f], e.Target)));
            TableAssert.Matches(model, total.FeatureTarget[f]);
            TableAssert.MarginMatches(model.RowTotals(), total.Features[f]);
        }

        TableAssert.MarginMatches(
            CountModel.From(events.Select(e => (e.Target, e.Target))).RowTotals(), total.Target);
        for (var p = 0; p < s_pairs.Length; p++)
        {
            var (a, b) = s_pairs[p];
            var model = CountModel.From(events.Select(e => (Fold(e.Levels[a]), Fold(e.Levels[b]))));
            TableAssert.Matches(model, total.Pairs[p]);
            TableAssert.MarginMatches(model.RowTotals(), total.Pairs[p].Rows);
            TableAssert.MarginMatches(model.ColumnTotals(), total.Pairs[p].Columns);
        }

        Assert.Equal(events.Length, total.Events);
        Assert.Equal(events.Min(e => e.TimeMs), total.StartMs);
        Assert.Equal(events.Max(e => e.TimeMs), total.EndMs);
    }

    [Fact]
    public void Count_ThreeEvents_TallyHoldsTheirCountAndTimeSpanAndTablesStayEmptyUntilAdded()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [3], 2, partitionPanes: false);
        var tally = total.CreateTally();

        tally.Count([2], 1, 7_000);
        tally.Count([2], 1, 4_000);
        tally.Count([0], 0, 9_000);

        Assert.Equal((3L, 4_000L, 9_000L), (tally.Events, tally.StartMs!.Value, tally.EndMs!.Value));
        Assert.Equal(0, total.Events);
        Assert.Null(total.StartMs);

        total.AddCounts(tally);

        Assert.Equal(3, total.Events);
        Assert.Equal(2, total.FeatureTarget[0].Count(2, 1));
        Assert.Equal(1, total.FeatureTarget[0].Count(0, 0));
        Assert.Equal((4_000L, 9_000L), (total.StartMs!.Value, total.EndMs!.Value));
    }

    [Fact]
    public void AddCounts_EmptyTally_LeavesTablesEmpty()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [3], 2, partitionPanes: false);

        total.AddCounts(total.CreateTally());

        Assert.Equal(0, total.Events);
        Assert.Null(total.NewestPaneId);
        Assert.Null(total.StartMs);
    }

    [Fact]
    public void AddCounts_TallyOfOtherTables_Throws()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [3], 2, partitionPanes: false);
        var other = new WindowedTables(WindowSpec.WholeStream, [3], 2, partitionPanes: false);

        Assert.Throws<ArgumentException>(() => total.AddCounts(other.CreateTally()));
    }

    [Fact]
    public void AddCounts_PairsChosenAfterTheTallyWasMade_Throws()
    {
        var total = new WindowedTables(WindowSpec.WholeStream, [3, 3], 2, partitionPanes: false);
        var tally = total.CreateTally();
        tally.Count([1, 2], 1, 1_000);

        total.SelectPairs([(0, 1)]);

        Assert.Throws<ArgumentException>(() => total.AddCounts(tally));
        Assert.Equal(0, total.Events);
    }

    [Fact]
    public void AddCounts_PastTheWindowsEventLimit_ThrowsAndLeavesTheTablesAsTheyWere()
    {
        var total = new WindowedTables(
            WindowSpec.WholeStream, [3], 2, [], PairLevelCap, 0, false, false, maxEvents: 4);
        total.Apply([1], 0, 1_000);
        total.Apply([1], 0, 1_000);
        var tally = total.CreateTally();
        for (var i = 0; i < 3; i++)
        {
            tally.Count([2], 1, 2_000);
        }

        Assert.Throws<InvalidOperationException>(() => total.AddCounts(tally));
        Assert.Equal(2, total.Events);
        Assert.Equal(0, total.FeatureTarget[0].Count(2, 1));
    }

    [Fact]
    public void CreateTally_TablesKeepingPanesOrAWindow_Throws()
    {
        var withPanes = new WindowedTables(WindowSpec.WholeStream, [2], 2);
        var sliding = new WindowedTables(WindowSpec.Sliding(TimeSpan.FromMinutes(6), 6), [2], 2);

        Assert.Throws<InvalidOperationException>(withPanes.CreateTally);
        Assert.Throws<InvalidOperationException>(sliding.CreateTally);
    }

    [Fact]
    public void Count_WrongNumberOfFeatureLevels_Throws()
    {
        var tally = new WindowedTables(WindowSpec.WholeStream, [3, 3], 2, partitionPanes: false).CreateTally();

        Assert.Throws<ArgumentException>(() => tally.Count([1], 0, 0));
    }
}
