using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Estimation;

public class DependencyEstimatorTests
{
    [Fact]
    public void Estimate_MiNotesTestVector_MatchesPublishedFigures()
    {
        // y_true = [1,1,2,2,3,3] as rows, y_pred = [1,1,1,2,2,2] as columns.
        var table = new TableSnapshot(3, 2, [2, 0, 1, 1, 0, 2]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(0.462098, estimate.MutualInformationNats, 1e-6);
        Assert.Equal(2.0 / 3 * Math.Log(2), estimate.MutualInformationNats, 1e-15);
        Assert.Equal(0.515804, estimate.NormalizedMutualInformation, 1e-6);
        Assert.Equal(0.298792, estimate.AdjustedMutualInformation, 1e-6);
        Assert.Equal(5.5452, estimate.GStatistic, 1e-4);
        Assert.Equal(2, estimate.DegreesOfFreedom);

        // G = 8 ln 2 on 2 degrees of freedom: p = e^(−G/2) = 1/16 exactly.
        Assert.Equal(0.0625, estimate.PValue, 1e-15);
    }

    [Fact]
    public void Estimate_BinarySymmetricChannelAtExactProportions_IsOneMinusBinaryEntropy()
    {
        // Uniform input, crossover 0.1: I = 1 − H_b(0.1) bits.
        var table = new TableSnapshot(2, 2, [45, 5, 5, 45]);
        double binaryEntropy = -(0.1 * Math.Log2(0.1)) - (0.9 * Math.Log2(0.9));

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(0.531004, estimate.MutualInformationBits, 1e-6);
        Assert.Equal(1 - binaryEntropy, estimate.MutualInformationBits, 1e-14);
        Assert.Equal(
            estimate.MutualInformationNats / Math.Log(2),
            estimate.MutualInformationBits,
            1e-15);

        // H(target) is exactly one bit, so U(Y|X) is the MI in bits.
        Assert.Equal(1 - binaryEntropy, estimate.UncertaintyCoefficient, 1e-14);
    }

    [Fact]
    public void Estimate_RandomTable_MatchesBruteForceRecountFromLabels()
    {
        var random = new Random(20_240_611);
        const int observations = 5_000;
        const int featureLevels = 37;
        const int targetLevels = 6;
        int[] x = new int[observations];
        int[] y = new int[observations];
        for (int i = 0; i < observations; i++)
        {
            x[i] = random.Next(featureLevels);

            // A dependent target: half the time it copies x modulo 6.
            y[i] = random.NextDouble() < 0.5 ? x[i] % targetLevels : random.Next(targetLevels);
        }

        DependencyEstimate estimate = DependencyEstimator.Estimate(
            TableFromLabels(x, y, featureLevels, targetLevels));

        // Σ p log(p / (p_x p_y)) over the observed pairs, from probabilities.
        var joint = x.Zip(y).GroupBy(pair => pair).ToDictionary(g => g.Key, g => g.Count());
        double n = observations;
        var px = x.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count() / n);
        var py = y.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count() / n);
        double recount = 0;
        foreach (((int xi, int yi), int count) in joint)
        {
            double p = count / n;
            recount += p * Math.Log(p / (px[xi] * py[yi]));
        }

        Assert.Equal(recount, estimate.MutualInformationNats, 1e-13);

        double hx = Entropy(x.Select(v => (v, 0)));
        double hy = Entropy(y.Select(v => (v, 0)));
        double hxy = Entropy(x.Zip(y));
        Assert.Equal(hx, estimate.EntropyRowsNats, 1e-13);
        Assert.Equal(hy, estimate.EntropyColumnsNats, 1e-13);
        Assert.Equal(hxy, estimate.JointEntropyNats, 1e-13);
        Assert.Equal(hx + hy - hxy, estimate.MutualInformationNats, 1e-13);
        Assert.Equal(x.Distinct().Count(), estimate.RowLevels);
        Assert.Equal(y.Distinct().Count(), estimate.ColumnLevels);
        Assert.Equal(x.Zip(y).Distinct().Count(), estimate.NonZeroCells);
        Assert.Equal(observations, estimate.Total);
    }

    [Fact]
    public void Estimate_RandomTable_MatchesPhiSumFormula()
    {
        // MI-NOTES: I = ln N + (S_xy − S_x − S_y) / N with S = Σ n ln n.
        var random = new Random(7);
        const int rows = 50;
        const int columns = 9;
        long[] counts = new long[rows * columns];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = random.Next(4) == 0 ? 0 : random.Next(1, 400);
        }

        var table = new TableSnapshot(rows, columns, counts);
        double total = table.Total;
        double sxy = counts.Sum(Phi);
        double sx = table.RowTotals.ToArray().Sum(Phi);
        double sy = table.ColumnTotals.ToArray().Sum(Phi);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        double expected = Math.Log(total) + ((sxy - sx - sy) / total);
        Assert.Equal(expected, estimate.MutualInformationNats, 1e-12);
        Assert.Equal(Math.Log(total) - (sxy / total), estimate.JointEntropyNats, 1e-12);
    }

    [Fact]
    public void Estimate_TableWithEmptyCell_SubtractsMillerMadowBias()
    {
        // 3 × 3 with two empty cells: m_xy = 7, so the bias is (7 − 3 − 3 + 1) / 2N = 1/N.
        var table = new TableSnapshot(3, 3, [10, 4, 0, 3, 12, 5, 0, 6, 20]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(7, estimate.NonZeroCells);
        Assert.Equal(1.0 / 60, estimate.MillerMadowBiasNats, 1e-17);
        Assert.Equal(
            estimate.MutualInformationNats - (1.0 / 60),
            estimate.MillerMadowNats,
            1e-16);
        Assert.Equal(estimate.MillerMadowNats / Math.Log(2), estimate.MillerMadowBits, 1e-16);
    }

    [Fact]
    public void Estimate_IndependentTable_HasNegativeMillerMadowAndZeroPlugIn()
    {
        // Exactly proportional counts: the plug-in MI is 0, so the correction goes below.
        var table = new TableSnapshot(2, 3, [10, 20, 30, 20, 40, 60]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(0, estimate.MutualInformationNats, 1e-16);
        Assert.Equal(-2.0 / (2 * 180), estimate.MillerMadowNats, 1e-16);
        Assert.Equal(1.0, estimate.PValue, 1e-12);
    }

    [Fact]
    public void Estimate_TargetIsFeatureModuloTwo_GivesClosedFormNormalisations()
    {
        // Feature uniform on 4 levels, target = feature mod 2: I = H(Y) = ln 2,
        // H(X) = ln 4. So U = 1, NMI = 2 ln 2 / (3 ln 2) = 2/3, geometric = 1/√2.
        var table = new TableSnapshot(4, 2, [25, 0, 0, 25, 25, 0, 0, 25]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(Math.Log(2), estimate.MutualInformationNats, 1e-15);
        Assert.Equal(1.0, estimate.UncertaintyCoefficient, 1e-15);
        Assert.Equal(2.0 / 3, estimate.NormalizedMutualInformation, 1e-15);
        Assert.Equal(1 / Math.Sqrt(2), estimate.NormalizedGeometric, 1e-15);
        double conditional = estimate.JointEntropyNats - estimate.EntropyColumnsNats;
        Assert.Equal(Math.Log(2), conditional, 1e-15);
    }

    [Fact]
    public void Estimate_ThreeByTwoTable_MatchesScipyLogLikelihoodTest()
    {
        // Reference, produced once by
        // /usr/bin/python3 -c "from scipy.stats import chi2_contingency as c; g, p, dof, _ =
        //   c([[30, 10, 4], [10, 30, 6]], correction=False, lambda_='log-likelihood');
        //   print(repr(g), repr(p), dof)"
        // which printed 21.288187918449527 2.3841233907901024e-05 2. Our rows are its
        // columns; the G test is symmetric.
        var table = new TableSnapshot(3, 2, [30, 10, 10, 30, 4, 6]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(21.288187918449527, estimate.GStatistic, 1e-12);
        Assert.Equal(2.3841233907901024e-05, estimate.PValue, 1e-17);
        Assert.Equal(2, estimate.DegreesOfFreedom);
    }

    [Fact]
    public void Estimate_EmptyTable_IsAllZeroWithPValueOne()
    {
        var table = new TableSnapshot(3, 2, new long[6]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(new DependencyEstimate { PValue = 1 }, estimate);
    }

    [Fact]
    public void Estimate_BothSidesSingleLevel_ScoresAsPerfectMatch()
    {
        // scikit-learn: two one-cluster labelings are a perfect match (AMI = NMI = 1).
        var table = new TableSnapshot(2, 2, [0, 0, 0, 9]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(1.0, estimate.AdjustedMutualInformation);
        Assert.Equal(1.0, estimate.NormalizedMutualInformation);
        Assert.Equal(1.0, estimate.NormalizedGeometric);
        Assert.Equal(1.0, estimate.UncertaintyCoefficient);
        Assert.Equal(0.0, estimate.MutualInformationNats);
        Assert.Equal(0, estimate.DegreesOfFreedom);
        Assert.Equal(1.0, estimate.PValue);
        Assert.Equal(0.0, estimate.VarianceNats);
        Assert.Equal(0.0, estimate.MillerMadowBiasNats);
    }

    [Fact]
    public void Estimate_FeatureSingleLevel_ScoresZero()
    {
        var table = new TableSnapshot(1, 3, [4, 5, 6]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(0.0, estimate.AdjustedMutualInformation);
        Assert.Equal(0.0, estimate.NormalizedMutualInformation);
        Assert.Equal(0.0, estimate.NormalizedGeometric);
        Assert.Equal(0.0, estimate.UncertaintyCoefficient);
        Assert.Equal(0.0, estimate.MutualInformationNats);
        Assert.Equal(1.0, estimate.PValue);
    }

    [Fact]
    public void Estimate_TargetSingleLevel_HasUncertaintyCoefficientOneLikeHomogeneity()
    {
        // scikit-learn's homogeneity_score, which is I / H(target), is 1 for a constant target.
        var table = new TableSnapshot(3, 1, [4, 5, 6]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(1.0, estimate.UncertaintyCoefficient);
        Assert.Equal(0.0, estimate.AdjustedMutualInformation);
        Assert.Equal(0.0, estimate.NormalizedMutualInformation);
    }

    [Fact]
    public void Estimate_ZeroRowsAndColumns_GiveSameEstimateAsTableWithoutThem()
    {
        var compact = new TableSnapshot(2, 2, [7, 3, 2, 9]);
        var padded = new TableSnapshot(3, 3, [0, 0, 0, 7, 0, 3, 2, 0, 9]);

        Assert.Equal(
            DependencyEstimator.Estimate(compact),
            DependencyEstimator.Estimate(padded));
    }

    [Fact]
    public void Estimate_IndependentProportions_FloorsVarianceAtNullValue()
    {
        // Σ p ln²(p / p_x p_y) − I² is 0 here; the floor is dof / 2N per observation.
        var table = new TableSnapshot(2, 3, [10, 20, 30, 20, 40, 60]);

        DependencyEstimate estimate = DependencyEstimator.Estimate(table);

        Assert.Equal(2.0 / (2 * 180), estimate.VarianceNats, 1e-17);
        Assert.Equal(Math.Sqrt(2.0 / (2 * 180) / 180), estimate.StandardErrorNats, 1e-17);
    }

    [Fact]
    public void Estimate_DependentTable_StandardErrorMatchesSpreadOverResamples()
    {
        // Draw 1,000 tables of N = 2,000 from the binary symmetric channel (crossover 0.1)
        // and compare the spread of their plug-in MI with the delta-method standard error.
        var random = new Random(42);
        const int samples = 2_000;
        const int replicates = 1_000;
        double[] estimates = new double[replicates];
        double standardErrors = 0;
        for (int r = 0; r < replicates; r++)
        {
            long[] counts = new long[4];
            for (int i = 0; i < samples; i++)
            {
                int x = random.Next(2);
                int y = random.NextDouble() < 0.1 ? 1 - x : x;
                counts[(x * 2) + y]++;
            }

            DependencyEstimate estimate = DependencyEstimator.Estimate(
                new TableSnapshot(2, 2, counts));
            estimates[r] = estimate.MutualInformationNats;
            standardErrors += estimate.StandardErrorNats;
        }

        double mean = estimates.Average();
        double squares = estimates.Sum(e => (e - mean) * (e - mean));
        double spread = Math.Sqrt(squares / (replicates - 1));
        double meanStandardError = standardErrors / replicates;

        // The sample standard deviation of 1,000 draws is itself uncertain by about 2.2%.
        Assert.InRange(meanStandardError / spread, 0.92, 1.08);

        // And the variance at the exact proportions is the closed form.
        double ln18 = Math.Log(1.8);
        double ln02 = Math.Log(0.2);
        double information = (0.9 * ln18) + (0.1 * ln02);
        double variance = (0.9 * ln18 * ln18) + (0.1 * ln02 * ln02)
            - (information * information);
        DependencyEstimate exact = DependencyEstimator.Estimate(
            new TableSnapshot(2, 2, [900, 100, 100, 900]));
        Assert.Equal(variance, exact.VarianceNats, 1e-14);
    }

    [Fact]
    public void Estimate_RandomIdsAgainstIndependentBinaryTarget_AmiStaysNearZero()
    {
        // MI-NOTES: 2^20 possible ids, independent binary target, N = 65,536: plug-in MI reads
        // about 0.671 nats and Miller–Madow 0.663, while AMI is about −0.0001, and the χ²
        // p-value is wrongly near 0.
        var random = new Random(65_536);
        const int observations = 65_536;
        var levels = new Dictionary<int, int>();
        var pairs = new (int Row, int Column)[observations];
        for (int i = 0; i < observations; i++)
        {
            int id = random.Next(1 << 20);
            if (!levels.TryGetValue(id, out int row))
            {
                row = levels.Count;
                levels.Add(id, row);
            }

            pairs[i] = (row, random.Next(2));
        }

        long[] counts = new long[levels.Count * 2];
        foreach ((int row, int column) in pairs)
        {
            counts[(row * 2) + column]++;
        }

        DependencyEstimate estimate = DependencyEstimator.Estimate(
            new TableSnapshot(levels.Count, 2, counts));

        Assert.Equal(0.671, estimate.MutualInformationNats, 0.005);
        Assert.Equal(0.663, estimate.MillerMadowNats, 0.005);
        Assert.Equal(-0.0001, estimate.AdjustedMutualInformation, 0.002);
        Assert.True(estimate.PValue < 1e-6, $"p = {estimate.PValue}");
    }

    private static TableSnapshot TableFromLabels(int[] x, int[] y, int rows, int columns)
    {
        long[] counts = new long[rows * columns];
        for (int i = 0; i < x.Length; i++)
        {
            counts[(x[i] * columns) + y[i]]++;
        }

        return new TableSnapshot(rows, columns, counts);
    }

    private static double Entropy(IEnumerable<(int, int)> labels)
    {
        var counts = new Dictionary<(int, int), int>();
        int total = 0;
        foreach ((int, int) label in labels)
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
            total++;
        }

        return counts.Values.Sum(c => -(c / (double)total) * Math.Log(c / (double)total));
    }

    private static double Phi(long n) => n == 0 ? 0 : n * Math.Log(n);
}
