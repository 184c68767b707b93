using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Drift;

/// <summary>
/// What a drift test needs from one window's feature–target table: the plug-in MI, its
/// Miller–Madow bias term and the delta-method variance, all in nats.
/// </summary>
/// <remarks>
/// These are the same quantities <see cref="DependencyEstimator"/> reports, computed without the
/// expected MI under the permutation null, whose exact sum is the costly part of an estimate and
/// which a drift test does not use. Drift is evaluated at every pane boundary on the counting
/// thread, so it pays only for what it needs.
/// </remarks>
/// <param name="Total">N, the events in the table.</param>
/// <param name="PlugInNats">The plug-in MI.</param>
/// <param name="BiasNats">The Miller–Madow bias term (m_xy − m_x − m_y + 1) / 2N.</param>
/// <param name="VarianceNats">
/// The per-event variance Σ p ln²(p / p_x p_y) − I², floored at its null value dof / 2N, so that
/// Var(I) ≈ VarianceNats / N.
/// </param>
public readonly record struct InformationMoments(
    long Total,
    double PlugInNats,
    double BiasNats,
    double VarianceNats)
{
    /// <summary>The bias-corrected (Miller–Madow) MI; may be slightly negative.</summary>
    public double CorrectedNats => PlugInNats - BiasNats;

    /// <summary>The variance of the estimate itself, VarianceNats / N; 0 for an empty table.</summary>
    public double EstimateVariance => Total > 0 ? VarianceNats / Total : 0;

    /// <summary>Computes the moments of a table.</summary>
    public static InformationMoments Of(TableSnapshot table)
    {
        ArgumentNullException.ThrowIfNull(table);

        var total = table.Total;
        if (total == 0)
        {
            return default;
        }

        double n = total;
        var rowTotals = table.RowTotals;
        var columnTotals = table.ColumnTotals;
        var counts = table.Counts;
        var columns = table.Columns;
        var rowLevels = CountNonZero(rowTotals);
        var columnLevels = CountNonZero(columnTotals);

        var cells = 0;
        double information = 0;
        double secondMoment = 0;
        for (var r = 0; r < rowTotals.Length; r++)
        {
            var row = counts.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                var cell = row[c];
                if (cell == 0)
                {
                    continue;
                }

                // The ratio first, then one logarithm: near independence the ratio is close to 1
                // and its logarithm keeps full relative precision.
                var p = cell / n;
                var logRatio = Math.Log(cell * n / ((double)rowTotals[r] * columnTotals[c]));
                cells++;
                information += p * logRatio;
                secondMoment += p * logRatio * logRatio;
            }
        }

        information = Math.Max(0, information);
        var degreesOfFreedom = (double)(rowLevels - 1) * (columnLevels - 1);
        var bias = (cells - rowLevels - columnLevels + 1) / (2 * n);
        var variance = Math.Max(degreesOfFreedom / (2 * n), secondMoment - (information * information));
        return new InformationMoments(total, information, bias, variance);
    }

    private static int CountNonZero(ReadOnlySpan<long> totals)
    {
        var levels = 0;
        foreach (var t in totals)
        {
            if (t > 0)
            {
                levels++;
            }
        }

        return levels;
    }
}
