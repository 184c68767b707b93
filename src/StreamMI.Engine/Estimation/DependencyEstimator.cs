namespace StreamMI.Engine.Estimation;

public static class DependencyEstimator
{
    public static DependencyEstimate Estimate(TableSnapshot table)
    {
        double n = table.Total;
        if (n == 0)
        {
            return new DependencyEstimate { PValue = 1 };
        }

        double mi = 0;
        var cells = 0;
        for (var r = 0; r < table.Rows; r++)
        {
            for (var c = 0; c < table.Columns; c++)
            {
                var k = table.Count(r, c);
                if (k > 0)
                {
                    cells++;
                    mi += k / n * Math.Log(k * n / ((double)table.RowTotals[r] * table.ColumnTotals[c]));
                }
            }
        }

        return new DependencyEstimate
        {
            Total = table.Total,
            RowLevels = table.Rows,
            ColumnLevels = table.Columns,
            NonZeroCells = cells,
            MutualInformationNats = mi,
            MutualInformationBits = mi / Math.Log(2),
            GStatistic = 2 * n * mi,
            DegreesOfFreedom = (table.Rows - 1) * (table.Columns - 1),
            PValue = 1,
        };
    }
}
