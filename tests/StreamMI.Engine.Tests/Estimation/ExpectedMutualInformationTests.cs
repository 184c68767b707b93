using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Estimation;

public class ExpectedMutualInformationTests
{
    [Fact]
    public void Compute_SmallLabelings_EqualsAverageMutualInformationOverAllPermutations()
    {
        // The permutation null by definition: shuffle one labeling in every one of the
        // 8! = 40,320 ways and average the plug-in MI.
        int[] x = [0, 0, 0, 1, 1, 2, 2, 2];
        int[] y = [0, 0, 1, 1, 1, 1, 2, 2];
        double sum = 0;
        long permutations = 0;
        foreach (int[] shuffled in Permutations(y))
        {
            sum += PlugInMutualInformation(x, shuffled);
            permutations++;
        }

        double actual = ExpectedMutualInformation.Compute([3, 2, 3], [2, 4, 2]);

        Assert.Equal(40_320, permutations);
        Assert.Equal(sum / permutations, actual, 1e-13);
    }

    [Fact]
    public void Compute_MediumTable_EqualsFullHypergeometricSumFromLogFactorials()
    {
        // Independent route: sum every possible cell count with probabilities from
        // log-factorials, no early stop and no normalisation.
        long[] rows = [1, 2, 7, 40, 95, 130, 3, 61, 250, 11];
        long[] columns = [300, 5, 180, 89, 26];
        long total = rows.Sum();
        double expected = 0;
        foreach (long a in rows)
        {
            foreach (long b in columns)
            {
                for (long n = Math.Max(1, a + b - total); n <= Math.Min(a, b); n++)
                {
                    double logProbability = LogChoose(a, n) + LogChoose(total - a, b - n)
                        - LogChoose(total, b);
                    expected += Math.Exp(logProbability) * n / total
                        * Math.Log((double)n * total / ((double)a * b));
                }
            }
        }

        double actual = ExpectedMutualInformation.Compute(rows, columns);

        Assert.Equal(expected, actual, 1e-12 * expected);
    }

    // Reference values to 50 digits, produced once by emi_reference.py beside this file:
    //   /usr/bin/python3 emi_reference.py 30000000,70000000 45000000,55000000
    //   /usr/bin/python3 emi_reference.py 20000000,30000000,50000000 1,999999,99000000
    [Theory]
    [InlineData(new long[] { 30_000_000, 70_000_000 }, new long[] { 45_000_000, 55_000_000 },
        5.000000095314257e-09)]
    [InlineData(new long[] { 20_000_000, 30_000_000, 50_000_000 },
        new long[] { 1, 999_999, 99_000_000 }, 2.0296538019241493e-08)]
    public void Compute_HundredMillionObservations_MatchesHighPrecisionReference(
        long[] rows,
        long[] columns,
        double expected)
    {
        double actual = ExpectedMutualInformation.Compute(rows, columns);

        Assert.Equal(expected, actual, 1e-12 * expected);
    }

    [Fact]
    public void Compute_LargeIndependentTable_ApproachesHalfTheDegreesOfFreedomOverN()
    {
        // For N → ∞ the plug-in MI under the null is χ²(dof) / 2N, so E[I] → dof / 2N with
        // a relative correction of order 1/N (here 6.4e-6 at N = 10^6).
        long[] rows = [200_000, 300_000, 500_000];
        long[] columns = [100_000, 100_000, 250_000, 550_000];

        double actual = ExpectedMutualInformation.Compute(rows, columns);

        double asymptotic = (3 - 1) * (4 - 1) / (2.0 * 1_000_000);
        Assert.Equal(asymptotic, actual, 1e-4 * asymptotic);
    }

    [Fact]
    public void Compute_TransposedMargins_GivesSameValue()
    {
        long[] rows = [5, 17, 1, 1, 90, 33];
        long[] columns = [60, 40, 47];

        Assert.Equal(
            ExpectedMutualInformation.Compute(rows, columns),
            ExpectedMutualInformation.Compute(columns, rows),
            1e-15);
    }

    [Fact]
    public void Compute_ZeroMargins_AreIgnored()
    {
        Assert.Equal(
            ExpectedMutualInformation.Compute([3, 2, 3], [2, 4, 2]),
            ExpectedMutualInformation.Compute([0, 3, 0, 2, 3], [2, 0, 4, 2, 0]));
    }

    [Fact]
    public void Compute_EveryObservationDistinctOnOneSide_EqualsOtherSidesEntropy()
    {
        // With all-distinct rows, every permutation has I = H(columns).
        long[] rows = Enumerable.Repeat(1L, 30).ToArray();
        long[] columns = [10, 15, 5];
        double entropy = columns.Sum(b => b / 30.0 * Math.Log(30.0 / b));

        Assert.Equal(entropy, ExpectedMutualInformation.Compute(rows, columns), 1e-13);
    }

    [Theory]
    [InlineData(new long[] { 12 }, new long[] { 3, 4, 5 })]
    [InlineData(new long[] { 3, 4, 5 }, new long[] { 0, 12 })]
    [InlineData(new long[] { 0, 0 }, new long[] { 0 })]
    public void Compute_SingleLevelOrEmpty_IsZero(long[] rows, long[] columns)
    {
        Assert.Equal(0.0, ExpectedMutualInformation.Compute(rows, columns));
    }

    [Fact]
    public void Compute_DifferentTotals_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => ExpectedMutualInformation.Compute([1, 2], [4]));
    }

    [Fact]
    public void ExpectedDeviation_BinomialLimit_MatchesDirectSum()
    {
        // One row of 50 in a population of 10^8 with a column of 4·10^7 is, to first order,
        // Binomial(50, 0.4); check the walk against the exact hypergeometric sum in logs.
        const long a = 50;
        const long b = 40_000_000;
        const long total = 100_000_000;
        double mean = (double)a * b / total;
        double expected = 0;
        for (long n = 0; n <= a; n++)
        {
            double logProbability = LogChoose(a, n) + LogChoose(total - a, b - n)
                - LogChoose(total, b);
            double deviation = n == 0 ? mean : (n * Math.Log(n / mean)) - n + mean;
            expected += Math.Exp(logProbability) * deviation;
        }

        double actual = ExpectedMutualInformation.ExpectedDeviation(a, b, total);

        // The log-factorials at 10^8 carry about 1e-7 relative error, the reference's
        // limit; the walk itself has none of that.
        Assert.Equal(expected, actual, 1e-6 * expected);
    }

    private static double LogChoose(long n, long k) =>
        SpecialFunctions.LogGamma(n + 1) - SpecialFunctions.LogGamma(k + 1)
        - SpecialFunctions.LogGamma(n - k + 1);

    private static double PlugInMutualInformation(int[] x, int[] y)
    {
        var joint = new Dictionary<(int, int), int>();
        var xCounts = new Dictionary<int, int>();
        var yCounts = new Dictionary<int, int>();
        for (int i = 0; i < x.Length; i++)
        {
            joint[(x[i], y[i])] = joint.GetValueOrDefault((x[i], y[i])) + 1;
            xCounts[x[i]] = xCounts.GetValueOrDefault(x[i]) + 1;
            yCounts[y[i]] = yCounts.GetValueOrDefault(y[i]) + 1;
        }

        double n = x.Length;
        double information = 0;
        foreach (((int xi, int yi), int count) in joint)
        {
            information += count / n * Math.Log(count * n / (xCounts[xi] * yCounts[yi]));
        }

        return information;
    }

    /// <summary>Every ordering of the items (equal values repeat), by Heap's method.</summary>
    private static IEnumerable<int[]> Permutations(int[] items)
    {
        int[] current = (int[])items.Clone();
        int[] counters = new int[current.Length];
        yield return current;
        int i = 0;
        while (i < current.Length)
        {
            if (counters[i] < i)
            {
                int swapWith = i % 2 == 0 ? 0 : counters[i];
                (current[swapWith], current[i]) = (current[i], current[swapWith]);
                yield return current;
                counters[i]++;
                i = 0;
            }
            else
            {
                counters[i] = 0;
                i++;
            }
        }
    }
}
