using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// Compares an engine table with a <see cref="CountModel"/> built from the same events.
/// </summary>
internal static class TableAssert
{
    /// <summary>
    /// Asserts that every cell, margin, total, non-zero count and fixed-point sum of
    /// <paramref name="table"/> equals the recount in <paramref name="model"/>, and that its MI
    /// equals the brute-force MI within the fixed-point rounding bound.
    /// </summary>
    public static void Matches(CountModel model, ContingencyTable table)
    {
        foreach (var ((row, column), count) in model.Cells)
        {
            Assert.Equal(count, table.Count(row, column));
        }

        // The recount walks the table's storage, so equal non-zero counts mean the table holds no
        // non-zero cell the model lacks.
        var (recountSum, recountNonZero) = table.Recount();
        Assert.Equal(model.Cells.Count, recountNonZero);
        Assert.Equal(model.Cells.Count, table.NonZeroCells);
        Assert.Equal(model.CellSumPhi(), table.SumPhi);
        Assert.Equal(recountSum, table.SumPhi);

        var rows = model.RowTotals();
        var columns = model.ColumnTotals();
        MarginMatches(rows, table.Rows);
        MarginMatches(columns, table.Columns);
        Assert.Equal(model.Total, table.Total);

        // The running MI must be exactly what the same formula gives on recounted sums.
        var n = model.Total;
        var units = recountSum
            - rows.Values.Sum(EntropyTerms.Phi)
            - columns.Values.Sum(EntropyTerms.Phi);
        var recountMi = n == 0 ? 0 : Math.Max(0, Math.Log(n) + (EntropyTerms.ToNats(units) / n));
        var mi = table.MutualInformationNats();
        Assert.Equal(recountMi, mi);

        var difference = Math.Abs(mi - model.MutualInformationNats());
        Assert.InRange(difference, 0, model.FixedPointTolerance());
    }

    /// <summary>Asserts that a margin holds exactly <paramref name="totals"/>.</summary>
    public static void MarginMatches(IReadOnlyDictionary<int, long> totals, Marginal margin)
    {
        for (var level = 0; level < margin.Levels; level++)
        {
            Assert.Equal(totals.GetValueOrDefault(level), margin.Count(level));
        }

        Assert.Equal(totals.Count, margin.NonZeroLevels);
        Assert.Equal(totals.Values.Sum(), margin.Total);
        Assert.Equal(totals.Values.Sum(EntropyTerms.Phi), margin.SumPhi);
    }
}
