namespace StreamMI.Engine.Estimation;

/// <summary>
/// A dense, immutable copy of a contingency table: rows are feature levels, columns are
/// target levels, and the counts are stored row-major.
/// </summary>
public sealed class TableSnapshot
{
    private readonly long[] _counts;
    private readonly long[] _rowTotals;
    private readonly long[] _columnTotals;

    /// <summary>
    /// Wraps <paramref name="counts"/>, laid out as counts[row * columns + column]. The
    /// snapshot takes ownership of the array: the caller must not change it afterwards.
    /// </summary>
    public TableSnapshot(int rows, int columns, long[] counts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(counts);
        if ((long)rows * columns != counts.Length)
        {
            throw new ArgumentException(
                $"A {rows} × {columns} table needs {(long)rows * columns} counts, "
                + $"not {counts.Length}.",
                nameof(counts));
        }

        _counts = counts;
        _rowTotals = new long[rows];
        _columnTotals = new long[columns];

        long total = 0;
        for (int r = 0; r < rows; r++)
        {
            long rowTotal = 0;
            for (int c = 0; c < columns; c++)
            {
                long count = counts[(r * columns) + c];
                if (count < 0)
                {
                    throw new ArgumentException(
                        $"The count at row {r}, column {c} is negative ({count}).",
                        nameof(counts));
                }

                rowTotal = checked(rowTotal + count);
                _columnTotals[c] = checked(_columnTotals[c] + count);
            }

            _rowTotals[r] = rowTotal;
            total = checked(total + rowTotal);
        }

        Rows = rows;
        Columns = columns;
        Total = total;
    }

    /// <summary>Number of feature levels, including any whose counts are all zero.</summary>
    public int Rows { get; }

    /// <summary>Number of target levels, including any whose counts are all zero.</summary>
    public int Columns { get; }

    /// <summary>N, the sum of all counts.</summary>
    public long Total { get; }

    /// <summary>All counts, row-major.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>The count of each feature level over all target levels.</summary>
    public ReadOnlySpan<long> RowTotals => _rowTotals;

    /// <summary>The count of each target level over all feature levels.</summary>
    public ReadOnlySpan<long> ColumnTotals => _columnTotals;

    /// <summary>The count in one cell.</summary>
    public long Count(int row, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        return _counts[(row * Columns) + column];
    }
}
