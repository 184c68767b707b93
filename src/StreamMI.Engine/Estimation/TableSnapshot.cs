namespace StreamMI.Engine.Estimation;

public sealed class TableSnapshot
{
    private readonly long[] _counts;
    private readonly long[] _rows;
    private readonly long[] _columns;

    public TableSnapshot(int rows, int columns, long[] counts)
    {
        Rows = rows;
        Columns = columns;
        _counts = counts;
        _rows = new long[rows];
        _columns = new long[columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                _rows[r] += counts[r * columns + c];
                _columns[c] += counts[r * columns + c];
                Total += counts[r * columns + c];
            }
        }
    }

    public int Rows { get; }

    public int Columns { get; }

    public long Total { get; }

    public long Count(int row, int column) => _counts[row * Columns + column];

    public ReadOnlySpan<long> Counts => _counts;

    public ReadOnlySpan<long> RowTotals => _rows;

    public ReadOnlySpan<long> ColumnTotals => _columns;
}
