namespace StreamMI.Engine.Estimation;

/// <summary>
/// Computes every dependency measure the engine reports from one contingency table.
/// </summary>
public static class DependencyEstimator
{
    private const double Ln2 = 0.69314718055994530942;

    // The gap between 1 and the next double (numpy's finfo(float64).eps); double.Epsilon
    // is the smallest subnormal, which is something else.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Estimates the dependency between the table's rows (feature) and columns (target).
    /// See <see cref="DependencyEstimate"/> for each measure and the degenerate cases.
    /// </summary>
    public static DependencyEstimate Estimate(TableSnapshot table)
    {
        ArgumentNullException.ThrowIfNull(table);

        long total = table.Total;
        ReadOnlySpan<long> rowTotals = table.RowTotals;
        ReadOnlySpan<long> columnTotals = table.ColumnTotals;
        ReadOnlySpan<long> counts = table.Counts;
        int columns = table.Columns;

        if (total == 0)
        {
            return new DependencyEstimate { PValue = 1 };
        }

        double n = total;
        int rowLevels = 0;
        double rowEntropy = 0;
        foreach (long a in rowTotals)
        {
            if (a > 0)
            {
                rowLevels++;
                rowEntropy += a / n * Math.Log(n / a);
            }
        }

        int columnLevels = 0;
        double columnEntropy = 0;
        foreach (long b in columnTotals)
        {
            if (b > 0)
            {
                columnLevels++;
                columnEntropy += b / n * Math.Log(n / b);
            }
        }

        // Each cell contributes p ln(nN / (n_x n_y)); forming the ratio first keeps the
        // logarithm's error at a rounding of a number near 1 when the table is close to
        // independence, instead of a difference of two logarithms of size ln N.
        int nonZeroCells = 0;
        double jointEntropy = 0;
        double information = 0;
        double secondMoment = 0;
        for (int r = 0; r < rowTotals.Length; r++)
        {
            double rowTotal = rowTotals[r];
            ReadOnlySpan<long> row = counts.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                long cell = row[c];
                if (cell == 0)
                {
                    continue;
                }

                double p = cell / n;
                double logRatio = Math.Log(cell * n / (rowTotal * columnTotals[c]));
                nonZeroCells++;
                jointEntropy += p * Math.Log(n / cell);
                information += p * logRatio;
                secondMoment += p * logRatio * logRatio;
            }
        }

        // I ≥ 0 exactly; a sum of signed terms can land a few ulps below.
        information = Math.Max(0, information);

        long degreesOfFreedom = (long)(rowLevels - 1) * (columnLevels - 1);
        double bias = (nonZeroCells - rowLevels - columnLevels + 1) / (2 * n);
        double millerMadow = information - bias;
        double g = 2 * n * information;
        double pValue = degreesOfFreedom == 0
            ? 1
            : SpecialFunctions.ChiSquaredSurvival(g, degreesOfFreedom);

        double nullVariance = degreesOfFreedom / (2 * n);
        double variance = Math.Max(
            nullVariance,
            secondMoment - (information * information));

        double expected = ExpectedMutualInformation.Compute(rowTotals, columnTotals);
        (double adjusted, double arithmetic, double geometric) = Normalise(
            information,
            expected,
            rowEntropy,
            columnEntropy,
            rowLevels,
            columnLevels);

        // scikit-learn's homogeneity (I / H(target)) is 1 when the target has no entropy.
        double uncertainty = columnLevels == 1 ? 1 : information / columnEntropy;

        return new DependencyEstimate
        {
            Total = total,
            RowLevels = rowLevels,
            ColumnLevels = columnLevels,
            NonZeroCells = nonZeroCells,
            EntropyRowsNats = rowEntropy,
            EntropyColumnsNats = columnEntropy,
            JointEntropyNats = jointEntropy,
            MutualInformationNats = information,
            MutualInformationBits = information / Ln2,
            MillerMadowBiasNats = bias,
            MillerMadowNats = millerMadow,
            MillerMadowBits = millerMadow / Ln2,
            ExpectedMutualInformationNats = expected,
            AdjustedMutualInformation = adjusted,
            NormalizedMutualInformation = arithmetic,
            NormalizedGeometric = geometric,
            UncertaintyCoefficient = uncertainty,
            GStatistic = g,
            DegreesOfFreedom = degreesOfFreedom,
            PValue = pValue,
            VarianceNats = variance,
            StandardErrorNats = Math.Sqrt(variance / n),
        };
    }

    /// <summary>AMI and the normalised forms, with scikit-learn's degenerate cases.</summary>
    private static (double Adjusted, double Arithmetic, double Geometric) Normalise(
        double information,
        double expected,
        double rowEntropy,
        double columnEntropy,
        int rowLevels,
        int columnLevels)
    {
        // Two one-level labelings are a perfect (if trivial) match.
        if (rowLevels == 1 && columnLevels == 1)
        {
            return (1, 1, 1);
        }

        // One side constant, the other not: I = 0 against a positive entropy.
        if (rowLevels == 1 || columnLevels == 1)
        {
            return (0, 0, 0);
        }

        double mean = (rowEntropy + columnEntropy) / 2;

        // The denominator should be positive, but E[I] can exceed the mean entropy by a
        // rounding when every permutation gives the same I (e.g. two all-distinct
        // labelings); like scikit-learn, keep its sign and bound it away from zero.
        double denominator = mean - expected;
        denominator = denominator < 0
            ? Math.Min(denominator, -MachineEpsilon)
            : Math.Max(denominator, MachineEpsilon);
        double adjusted = (information - expected) / denominator;

        double arithmetic = information / mean;
        double geometric = information / Math.Sqrt(rowEntropy * columnEntropy);
        return (adjusted, arithmetic, geometric);
    }
}
