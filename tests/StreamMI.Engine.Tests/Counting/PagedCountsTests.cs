using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Tests.Counting;

public sealed class PagedCountsTests
{
    private const int PageBytes = PagedCounts.PageSize * sizeof(int);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Constructor_EmptyDimension_Throws(int rows, int columns)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PagedCounts(rows, columns));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(10_000)]
    public void AllocatedBytes_NewGrid_HoldsOnlyTheColumnDirectory(int columns)
    {
        var grid = new PagedCounts(1_000_000, columns);

        Assert.Equal((long)columns * IntPtr.Size, grid.AllocatedBytes());
    }

    [Fact]
    public void AllocatedBytes_TouchedPages_GrowsByOnePagePerNewPageOnly()
    {
        // 10,000 rows make 157 pages per column; only the first touch of a page costs memory.
        var grid = new PagedCounts(10_000, 50);
        var pagesPerColumn = (10_000 + PagedCounts.PageSize - 1) / PagedCounts.PageSize;
        var before = grid.AllocatedBytes();

        grid.GetOrAdd(5, 7)++;
        var firstPage = grid.AllocatedBytes();
        grid.GetOrAdd(63, 7)++;
        var samePage = grid.AllocatedBytes();
        grid.GetOrAdd(64, 7)++;
        var nextPage = grid.AllocatedBytes();
        grid.GetOrAdd(9_999, 8)++;
        var otherColumn = grid.AllocatedBytes();

        Assert.Equal(before + (pagesPerColumn * IntPtr.Size) + PageBytes, firstPage);
        Assert.Equal(firstPage, samePage);
        Assert.Equal(samePage + PageBytes, nextPage);
        Assert.Equal(nextPage + (pagesPerColumn * IntPtr.Size) + PageBytes, otherColumn);
    }

    [Fact]
    public void Get_UntouchedCell_IsZeroAndAllocatesNothing()
    {
        var grid = new PagedCounts(1000, 10);
        var before = grid.AllocatedBytes();

        Assert.Equal(0, grid.Get(999, 9));
        Assert.Equal(before, grid.AllocatedBytes());
    }

    [Fact]
    public void Clear_AfterCounts_ZeroesEveryCellAndKeepsPages()
    {
        var grid = new PagedCounts(200, 3);
        grid.GetOrAdd(0, 0) = 5;
        grid.GetOrAdd(150, 2) = 7;
        var allocated = grid.AllocatedBytes();

        grid.Clear();
        var visitor = new Collect();
        grid.ForEachNonZero(ref visitor);

        Assert.Equal(0, grid.Get(0, 0));
        Assert.Equal(0, grid.Get(150, 2));
        Assert.Empty(visitor.Cells);
        Assert.Equal(allocated, grid.AllocatedBytes());
    }

    [Fact]
    public void ForEachNonZero_RandomCells_VisitsExactlyTheNonZeroOnesColumnByColumn()
    {
        var rng = new Random(77);
        var grid = new PagedCounts(300, 12);
        var expected = new Dictionary<(int Row, int Column), int>();
        for (var i = 0; i < 2000; i++)
        {
            var cell = (Row: rng.Next(300), Column: rng.Next(12));
            var value = rng.Next(3);
            grid.GetOrAdd(cell.Row, cell.Column) = value;
            expected[cell] = value;
        }

        var visitor = new Collect();
        grid.ForEachNonZero(ref visitor);

        var nonZero = expected.Where(kv => kv.Value != 0).ToDictionary();
        Assert.Equal(nonZero.Count, visitor.Cells.Count);
        Assert.All(visitor.Cells, c => Assert.Equal(nonZero[(c.Row, c.Column)], c.Count));
        var order = visitor.Cells.Select(c => (c.Column, c.Row)).ToList();
        Assert.Equal(order.Order().ToList(), order);
    }

    private struct Collect : ICellVisitor
    {
        public Collect()
        {
        }

        public List<(int Row, int Column, int Count)> Cells { get; } = [];

        public readonly void Visit(int row, int column, int count) =>
            Cells.Add((row, column, count));
    }
}
