using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Estimation;

public class TableSnapshotTests
{
    [Fact]
    public void Constructor_RowMajorCounts_ComputesMarginsAndTotal()
    {
        // 2 × 3:  [1 2 3]
        //         [4 0 6]
        var table = new TableSnapshot(2, 3, [1, 2, 3, 4, 0, 6]);

        Assert.Equal(2, table.Rows);
        Assert.Equal(3, table.Columns);
        Assert.Equal(16, table.Total);
        Assert.Equal([6L, 10L], table.RowTotals.ToArray());
        Assert.Equal([5L, 2L, 9L], table.ColumnTotals.ToArray());
        Assert.Equal(4, table.Count(1, 0));
        Assert.Equal(0, table.Count(1, 1));
        Assert.Equal(3, table.Count(0, 2));
        Assert.Equal([1L, 2L, 3L, 4L, 0L, 6L], table.Counts.ToArray());
    }

    [Fact]
    public void Constructor_EmptyTable_HasZeroTotal()
    {
        var table = new TableSnapshot(0, 0, []);

        Assert.Equal(0, table.Total);
        Assert.Equal(0, table.RowTotals.Length);
    }

    [Fact]
    public void Constructor_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TableSnapshot(2, 2, [1, 2, 3]));
    }

    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TableSnapshot(1, 2, [1, -1]));
    }

    [Fact]
    public void Constructor_TotalBeyondInt64_Throws()
    {
        Assert.Throws<OverflowException>(
            () => new TableSnapshot(1, 2, [long.MaxValue, 1]));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(2, 0)]
    [InlineData(0, 3)]
    public void Count_OutsideTable_Throws(int row, int column)
    {
        var table = new TableSnapshot(2, 3, [1, 2, 3, 4, 5, 6]);

        Assert.Throws<ArgumentOutOfRangeException>(() => table.Count(row, column));
    }
}
