using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Windows;

public sealed class WindowedTablesTests
{
    private static readonly WindowSpec s_tenSecondsInFivePanes =
        WindowSpec.Sliding(TimeSpan.FromSeconds(10), 5);

    [Fact]
    public void Constructor_NoFeatures_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WindowedTables(WindowSpec.WholeStream, [], 2));
    }

    [Fact]
    public void Constructor_InvalidWindow_Throws()
    {
        var spec = WindowSpec.Sliding(TimeSpan.Zero, 2);

        Assert.Throws<ArgumentException>(() => new WindowedTables(spec, [2], 2));
    }

    [Fact]
    public void StartAndEnd_BeforeFirstEvent_AreNullAndFillIsZero()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [2], 2);

        Assert.Null(tables.StartMs);
        Assert.Null(tables.EndMs);
        Assert.Equal(0, tables.Fill);
        Assert.Equal(0, tables.Events);
    }

    [Fact]
    public void Apply_FirstEvent_WindowEndsAfterItsPaneAndStartsFivePanesEarlier()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [2], 2);

        tables.Apply([1], 1, 12_345);

        // 12,345 ms lies in pane 6 ([12,000, 14,000)); the window is panes 2 to 6.
        Assert.Equal(4_000, tables.StartMs);
        Assert.Equal(14_000, tables.EndMs);
        Assert.Equal(0.2, tables.Fill);
    }

    [Fact]
    public void Fill_AsPanesArrive_GrowsToOneAndStays()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [2], 2);
        var fills = new List<double>();

        for (var pane = 0; pane < 8; pane++)
        {
            tables.Apply([0], 0, pane * 2_000);
            fills.Add(tables.Fill);
        }

        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0], fills);
    }

    [Fact]
    public void Apply_EventFivePanesBehindNewest_IsLateAndNotCounted()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [2], 2);
        tables.Apply([1], 1, 20_000);

        var insideOldestPane = tables.Apply([0], 0, 12_000);
        var justBeforeWindow = tables.Apply([0], 0, 11_999);

        Assert.True(insideOldestPane);
        Assert.False(justBeforeWindow);
        Assert.Equal(1, tables.LateEvents);
        Assert.Equal(2, tables.Events);
    }

    [Fact]
    public void Apply_JumpLongerThanWindow_LeavesOnlyTheNewEvent()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [3], 2);
        for (var i = 0; i < 100; i++)
        {
            tables.Apply([i % 3], i % 2, i * 50);
        }

        tables.Apply([2], 1, 1_000_000);

        TableAssert.Matches(CountModel.From([(2, 1)]), tables.FeatureTarget[0]);
        Assert.Equal(1, tables.Events);
        Assert.Equal(0, tables.LateEvents);
    }

    [Fact]
    public void Apply_TumblingWindowAtPaneBoundary_StartsEmpty()
    {
        var tables = new WindowedTables(WindowSpec.Tumbling(TimeSpan.FromSeconds(1)), [2], 2);
        tables.Apply([0], 0, 0);
        tables.Apply([1], 1, 999);

        tables.Apply([1], 0, 1_000);

        TableAssert.Matches(CountModel.From([(1, 0)]), tables.FeatureTarget[0]);
        Assert.False(tables.Apply([0], 0, 999));
    }

    [Fact]
    public void Apply_NegativeEventTime_FallsInThePaneBelowZero()
    {
        var tables = new WindowedTables(WindowSpec.Tumbling(TimeSpan.FromSeconds(1)), [2], 2);

        tables.Apply([0], 0, -1);

        Assert.Equal(-1_000, tables.StartMs);
        Assert.Equal(0, tables.EndMs);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MinValue + 1)]
    [InlineData(-4_000_000_000_000_000_001)]
    public void Apply_EventTimeFarInThePast_IsLateInsteadOfJumpingForward(long eventTimeMs)
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [2], 2);
        tables.Apply([1], 1, 1_000_000);

        var counted = tables.Apply([0], 0, eventTimeMs);

        Assert.False(counted);
        Assert.Equal(1, tables.LateEvents);
        Assert.Equal(1_002_000, tables.EndMs);
        TableAssert.Matches(CountModel.From([(1, 1)]), tables.FeatureTarget[0]);
    }

    [Fact]
    public void Apply_PairAboveTwiceTheCap_FoldsLevelsModuloTheCap()
    {
        // Cap 2: levels 0 to 3 stay, level 4 folds to 2 + 4 % 2 = 2 and level 7 to 2 + 7 % 2 = 3.
        var tables = new WindowedTables(
            WindowSpec.WholeStream, [10, 3], 2, [(0, 1)], pairLevelCap: 2);

        tables.Apply([4, 1], 0, 0);
        tables.Apply([7, 2], 0, 0);
        tables.Apply([3, 0], 0, 0);

        Assert.Equal(4, tables.Pairs[0].Rows.Levels);
        Assert.Equal(3, tables.Pairs[0].Columns.Levels);
        TableAssert.Matches(CountModel.From([(2, 1), (3, 2), (3, 0)]), tables.Pairs[0]);
    }

    [Fact]
    public void AllocatedBytes_AfterEvents_GrowsAndIncludesPanes()
    {
        var tables = new WindowedTables(s_tenSecondsInFivePanes, [1000], 2);
        var empty = tables.AllocatedBytes();

        tables.Apply([999], 1, 0);
        var one = tables.AllocatedBytes();
        tables.Apply([998], 1, 0);

        Assert.True(one > empty);
        Assert.Equal(one, tables.AllocatedBytes());
    }
}
