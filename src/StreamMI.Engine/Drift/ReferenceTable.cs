using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Drift;

/// <summary>
/// A frozen feature–target contingency table, stored as its non-zero cells keyed by level number
/// (rows the feature's levels, columns the target's).
/// </summary>
/// <remarks>
/// Level numbers go up to a few thousand for a categorical field with hashed buckets, so a dense
/// copy by level number could be large while only a few cells are non-zero; the cells are kept
/// sparse and the dense <see cref="TableSnapshot"/> covers only levels that occur.
/// </remarks>
public sealed class ReferenceTable
{
    private readonly (int Row, int Column, long Count)[] _cells;

    /// <summary>Creates a table from its non-zero cells; zero cells are dropped, a negative one throws.</summary>
    public ReferenceTable(IEnumerable<(int Row, int Column, long Count)> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);

        var list = new List<(int Row, int Column, long Count)>();
        foreach (var cell in cells)
        {
            if (cell.Row < 0 || cell.Column < 0 || cell.Count < 0)
            {
                throw new ArgumentException($"Cell ({cell.Row}, {cell.Column}) = {cell.Count} is not a count of two levels.", nameof(cells));
            }

            if (cell.Count > 0)
            {
                list.Add(cell);
            }
        }

        list.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Column.CompareTo(b.Column));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Row == list[i - 1].Row && list[i].Column == list[i - 1].Column)
            {
                throw new ArgumentException($"Cell ({list[i].Row}, {list[i].Column}) is given twice.", nameof(cells));
            }
        }

        _cells = [.. list];
        foreach (var cell in _cells)
        {
            Total = checked(Total + cell.Count);
            RowLevels = Math.Max(RowLevels, cell.Row + 1);
            ColumnLevels = Math.Max(ColumnLevels, cell.Column + 1);
        }
    }

    /// <summary>The non-zero cells, by row then column.</summary>
    public IReadOnlyList<(int Row, int Column, long Count)> Cells => _cells;

    /// <summary>N, the events in the table.</summary>
    public long Total { get; }

    /// <summary>One more than the highest feature level with a count.</summary>
    public int RowLevels { get; }

    /// <summary>One more than the highest target level with a count.</summary>
    public int ColumnLevels { get; }

    /// <summary>The count of each feature level, indexed by level number.</summary>
    public long[] RowTotals()
    {
        var totals = new long[RowLevels];
        foreach (var (row, _, count) in _cells)
        {
            totals[row] += count;
        }

        return totals;
    }

    /// <summary>The count of each target level, indexed by level number.</summary>
    public long[] ColumnTotals()
    {
        var totals = new long[ColumnLevels];
        foreach (var (_, column, count) in _cells)
        {
            totals[column] += count;
        }

        return totals;
    }

    /// <summary>A dense copy over the levels that occur, for the estimators.</summary>
    public TableSnapshot ToSnapshot()
    {
        var rowIndex = DenseIndex(RowTotals());
        var columnIndex = DenseIndex(ColumnTotals());
        var rows = rowIndex.Count(i => i >= 0);
        var columns = columnIndex.Count(i => i >= 0);
        var counts = new long[rows * columns];
        foreach (var (row, column, count) in _cells)
        {
            counts[(rowIndex[row] * columns) + columnIndex[column]] = count;
        }

        return new TableSnapshot(rows, columns, counts);
    }

    private static int[] DenseIndex(long[] totals)
    {
        var index = new int[totals.Length];
        var next = 0;
        for (var i = 0; i < totals.Length; i++)
        {
            index[i] = totals[i] > 0 ? next++ : -1;
        }

        return index;
    }
}
