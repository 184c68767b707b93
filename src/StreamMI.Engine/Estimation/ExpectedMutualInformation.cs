using System.Buffers;
using System.Runtime.CompilerServices;

namespace StreamMI.Engine.Estimation;

/// <summary>
/// The exact expected plug-in mutual information of two labelings under the permutation
/// (hypergeometric) null that keeps both sets of margins, as used by the adjusted mutual
/// information of Vinh, Epps and Bailey (2010) and scikit-learn's
/// <c>expected_mutual_information</c>.
/// </summary>
/// <remarks>
/// <para>
/// For row total a and column total b the cell count n is hypergeometric with mean
/// μ = ab/N, and E[I] = Σ over all (a, b) of E[(n/N) ln(nN/(ab))]. Because E[n] = μ exactly,
/// each pair's term equals E[g(n)]/N with g(n) = n ln(n/μ) − n + μ ≥ 0: every summand is
/// non-negative, so the sum suffers no cancellation.
/// </para>
/// <para>
/// Each E[g(n)] is summed outward from the mode of the hypergeometric using the ratio of
/// consecutive probabilities, with the mode's weight set to 1. The distribution is
/// log-concave, so the weights fall monotonically on both sides, and a side stops once a
/// weight is below 1e-18 of the weight summed so far: what remains is smaller still and
/// cannot move a double. Dividing by the summed weight normalises the result, so no
/// log-factorial is needed at all. That is cheaper than a table of ln n!, and more
/// accurate: at N = 10^8 the absolute mode probability would come from a difference of
/// log-factorials near 1.7e9, which keeps only about seven significant digits.
/// </para>
/// <para>
/// The work per (row, column) pair is about 18 standard deviations of n, i.e. roughly
/// 18·sqrt(ab/N) steps, not min(a, b). Rows (and columns) with equal totals share one
/// evaluation, which makes sparse high-cardinality tables (many levels seen once or twice)
/// cheap. A dense table with thousands of distinct large totals is still costly: 5,000 × 64
/// levels of similar size at N = 10^8 (μ ≈ 300, some 10^8 steps in all) took about 0.7 s
/// on one core of the build machines. At the engine's largest stated load, 100 such
/// features every few seconds, exact E[I] cannot keep up; a caller must then refresh AMI
/// less often than the plug-in and Miller–Madow figures, or reuse E[I] while the margins
/// have barely moved (one event changes it by a relative O(1/N)).
/// </para>
/// </remarks>
public static class ExpectedMutualInformation
{
    // A side of the walk stops when a weight is below this fraction of the summed weight.
    private const double RelativeCutoff = 1e-18;

    // Below this |n − μ|/μ the deviation g(n) comes from a short series instead of a
    // logarithm, which would cancel; above it the logarithm is cheaper and accurate enough.
    private const double SeriesThreshold = 0.01;

    /// <summary>
    /// E[I] in nats for the given margins; zero margins are ignored. The two spans must have
    /// the same sum N. Returns 0 when N = 0 or when either side has a single non-zero level.
    /// </summary>
    public static double Compute(ReadOnlySpan<long> rowTotals, ReadOnlySpan<long> columnTotals)
    {
        long total = SumOfCounts(rowTotals, nameof(rowTotals));
        long columnSum = SumOfCounts(columnTotals, nameof(columnTotals));
        if (total != columnSum)
        {
            throw new ArgumentException(
                $"The row totals sum to {total} but the column totals sum to {columnSum}.",
                nameof(columnTotals));
        }

        if (total == 0)
        {
            return 0;
        }

        long[] rowValues = ArrayPool<long>.Shared.Rent(rowTotals.Length);
        long[] rowMultiplicities = ArrayPool<long>.Shared.Rent(rowTotals.Length);
        long[] columnValues = ArrayPool<long>.Shared.Rent(columnTotals.Length);
        long[] columnMultiplicities = ArrayPool<long>.Shared.Rent(columnTotals.Length);
        try
        {
            int rowGroups = GroupEqualTotals(rowTotals, rowValues, rowMultiplicities);
            int columnGroups = GroupEqualTotals(
                columnTotals,
                columnValues,
                columnMultiplicities);

            // A labeling with one level carries no information: every permutation gives I = 0.
            if (IsSingleLevel(rowGroups, rowMultiplicities)
                || IsSingleLevel(columnGroups, columnMultiplicities))
            {
                return 0;
            }

            double sum = 0;
            for (int i = 0; i < rowGroups; i++)
            {
                for (int j = 0; j < columnGroups; j++)
                {
                    double pairs = (double)rowMultiplicities[i] * columnMultiplicities[j];
                    sum += pairs * ExpectedDeviation(rowValues[i], columnValues[j], total);
                }
            }

            return sum / total;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(rowValues);
            ArrayPool<long>.Shared.Return(rowMultiplicities);
            ArrayPool<long>.Shared.Return(columnValues);
            ArrayPool<long>.Shared.Return(columnMultiplicities);
        }
    }

    /// <summary>
    /// E[g(n)] for n hypergeometric with row total <paramref name="a"/>, column total
    /// <paramref name="b"/> and grand total <paramref name="total"/>, where
    /// g(n) = n ln(n/μ) − n + μ and μ = ab/N.
    /// </summary>
    /// <remarks>
    /// A scan computes E[I] once per feature at its end, so this method is called a few hundred
    /// times and would never leave the runtime's first, unoptimised tier, where
    /// <see cref="Deviation"/> is not inlined into its loops: in a profile of a one-core CSV scan
    /// that code took about 3% of the samples. It is therefore compiled optimised from the start.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double ExpectedDeviation(long a, long b, long total)
    {
        long low = Math.Max(0, a - (total - b));
        long high = Math.Min(a, b);
        double mean = (double)a * b / total;
        double inverseMean = 1 / mean;

        long mode = (long)((Int128)(a + 1) * (b + 1) / (total + 2));
        mode = Math.Clamp(mode, low, high);

        // Doubles hold every count exactly up to 2^53, far beyond any window.
        double da = a;
        double db = b;
        double rest = (double)(total - a - b);

        double weight = 1;
        double weightSum = 1;
        double weighted = Deviation(mode, mean, inverseMean);

        // Upward: P(n+1)/P(n) = (a−n)(b−n) / ((n+1)(N−a−b+n+1)).
        for (double n = mode; n < high; n++)
        {
            weight *= (da - n) * (db - n) / ((n + 1) * (rest + n + 1));
            weightSum += weight;
            weighted += weight * Deviation(n + 1, mean, inverseMean);
            if (weight < RelativeCutoff * weightSum)
            {
                break;
            }
        }

        // Downward: P(n−1)/P(n) = n(N−a−b+n) / ((a−n+1)(b−n+1)).
        weight = 1;
        for (double n = mode; n > low; n--)
        {
            weight *= n * (rest + n) / ((da - n + 1) * (db - n + 1));
            weightSum += weight;
            weighted += weight * Deviation(n - 1, mean, inverseMean);
            if (weight < RelativeCutoff * weightSum)
            {
                break;
            }
        }

        return weighted / weightSum;
    }

    /// <summary>g(n) = n ln(n/μ) − n + μ: zero at n = μ, positive elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Deviation(double n, double mean, double inverseMean)
    {
        double u = (n - mean) * inverseMean;
        if (u > SeriesThreshold || u < -SeriesThreshold)
        {
            // g ≈ μu²/2 while the two terms are about n, so this direct form loses about
            // ln(2/u²) / ln 10 digits: at most four at the threshold.
            return n == 0 ? mean : (n * Math.Log(n * inverseMean)) - (n - mean);
        }

        // g = μ[(1+u) ln(1+u) − u] = μ[L(1+u) + u²] with L = ln(1+u) − u ≈ −u²/2, and for
        // |u| ≤ 0.01, L = −u·s + 2s³(1/3 + s²/5 + s⁴/7 + s⁶/9) with s = u/(2+u) is exact to
        // double precision (the next term is below s⁸ ≈ 4e-19 relative).
        double s = u / (2 + u);
        double s2 = s * s;
        double series = (1.0 / 3) + (s2 * ((1.0 / 5) + (s2 * ((1.0 / 7) + (s2 / 9)))));
        double l = (-u * s) + (2 * s * s2 * series);
        return mean * ((l * (1 + u)) + (u * u));
    }

    private static bool IsSingleLevel(int groups, long[] multiplicities) =>
        groups == 1 && multiplicities[0] == 1;

    /// <summary>
    /// Writes the distinct non-zero totals in ascending order with how often each occurs;
    /// returns how many distinct totals there are.
    /// </summary>
    private static int GroupEqualTotals(
        ReadOnlySpan<long> totals,
        long[] values,
        long[] multiplicities)
    {
        int nonZero = 0;
        foreach (long t in totals)
        {
            if (t != 0)
            {
                values[nonZero++] = t;
            }
        }

        Span<long> sorted = values.AsSpan(0, nonZero);
        sorted.Sort();

        int groups = 0;
        for (int i = 0; i < nonZero; i++)
        {
            if (groups > 0 && values[groups - 1] == sorted[i])
            {
                multiplicities[groups - 1]++;
            }
            else
            {
                values[groups] = sorted[i];
                multiplicities[groups] = 1;
                groups++;
            }
        }

        return groups;
    }

    private static long SumOfCounts(ReadOnlySpan<long> counts, string name)
    {
        long sum = 0;
        foreach (long c in counts)
        {
            if (c < 0)
            {
                throw new ArgumentException("Totals must not be negative.", name);
            }

            sum = checked(sum + c);
        }

        return sum;
    }
}
