using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// A contingency table kept the slow way, as a dictionary of cell counts that tests fill from
/// their own record of events. Margins, sums and MI are recomputed from the cells on every call,
/// so nothing here shares a code path with the engine's running sums.
/// </summary>
internal sealed class CountModel
{
    private readonly Dictionary<(int Row, int Column), long> _cells = [];

    /// <summary>Cells with a non-zero count.</summary>
    public IReadOnlyDictionary<(int Row, int Column), long> Cells => _cells;

    /// <summary>Events in the table.</summary>
    public long Total => _cells.Values.Sum();

    /// <summary>Builds a model from (row, column) pairs, one event each.</summary>
    public static CountModel From(IEnumerable<(int Row, int Column)> events)
    {
        var model = new CountModel();
        foreach (var (row, column) in events)
        {
            model.Add(row, column);
        }

        return model;
    }

    /// <summary>Adds <paramref name="amount"/> (negative to remove) to one cell.</summary>
    public void Add(int row, int column, long amount = 1)
    {
        var count = Count(row, column) + amount;
        if (count < 0)
        {
            throw new InvalidOperationException($"Cell ({row}, {column}) would go below zero.");
        }

        if (count == 0)
        {
            _cells.Remove((row, column));
        }
        else
        {
            _cells[(row, column)] = count;
        }
    }

    /// <summary>The count of one cell.</summary>
    public long Count(int row, int column) => _cells.GetValueOrDefault((row, column));

    /// <summary>Row totals of the non-zero rows.</summary>
    public Dictionary<int, long> RowTotals() => Totals(cell => cell.Row);

    /// <summary>Column totals of the non-zero columns.</summary>
    public Dictionary<int, long> ColumnTotals() => Totals(cell => cell.Column);

    /// <summary>Σ φ(n) over the non-zero cells, each from <see cref="EntropyTerms.Phi"/>.</summary>
    public long CellSumPhi() => _cells.Values.Sum(EntropyTerms.Phi);

    /// <summary>
    /// Plug-in MI in nats straight from its definition, Σ p_xy ln(p_xy / (p_x p_y)), in doubles.
    /// </summary>
    public double MutualInformationNats()
    {
        double n = Total;
        if (n == 0)
        {
            return 0;
        }

        var rows = RowTotals();
        var columns = ColumnTotals();
        double mi = 0;
        foreach (var ((row, column), count) in _cells)
        {
            var p = count / n;
            var pRow = rows[row] / n;
            var pColumn = columns[column] / n;
            mi += p * Math.Log(p / (pRow * pColumn));
        }

        return mi;
    }

    /// <summary>
    /// How far the engine's fixed-point MI may lie from <see cref="MutualInformationNats"/>.
    /// </summary>
    /// <remarks>
    /// The engine computes ln N + (S_xy − S_x − S_y) / N where every φ term was rounded to the
    /// nearest 2^-32 nat, so each term is off by at most 2^-33 nat. With m_xy non-zero cells and
    /// m_x, m_y non-zero levels the error is at most (m_xy + m_x + m_y) · 2^-33 / N. The double
    /// evaluation of both sides (ln N, the division, a sum of m_xy logs) adds a few ulps of
    /// quantities no larger than ln N: 1e-13 covers it. For N in the thousands or more the bound
    /// is below 1e-12; for the handful of events in a nearly empty window it is larger.
    /// </remarks>
    public double FixedPointTolerance()
    {
        var n = Total;
        if (n == 0)
        {
            return 1e-13;
        }

        var terms = _cells.Count + RowTotals().Count + ColumnTotals().Count;
        return (terms * Math.Pow(2, -33) / n) + 1e-13;
    }

    private Dictionary<int, long> Totals(Func<(int Row, int Column), int> key)
    {
        var totals = new Dictionary<int, long>();
        foreach (var (cell, count) in _cells)
        {
            var k = key(cell);
            totals[k] = totals.GetValueOrDefault(k) + count;
        }

        return totals;
    }
}
