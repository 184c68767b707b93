using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Counting;

/// <summary>
/// Plug-in MI of tables sampled from channels whose MI is known in closed form.
/// </summary>
/// <remarks>
/// <para>
/// How close the estimate must be. For N independent draws from a joint distribution p with
/// I &gt; 0, the plug-in estimate Î has
/// </para>
/// <para>
///   E[Î] = I + (m_xy − m_x − m_y + 1) / 2N + O(N^-2)   (Miller–Madow; for an m-ary symmetric
///          channel every one of the m² cells is possible, so the term is (m − 1)² / 2N), and
///   Var[Î] = (Σ p_xy ln²(p_xy / p_x p_y) − I²) / N + O(N^-2)   (delta method).
/// </para>
/// <para>
/// So Î − I − (m − 1)²/2N is close to normal with standard error σ = sqrt(V / N), and the tests
/// accept anything within 5σ: a correct table fails that on a fresh seed with probability below
/// 10^-6, and the seeds here are fixed, so a run is repeatable. The neglected O(N^-2) bias is
/// about (Σ 1/p_xy) / 12N², under σ/4 at every N used below. Averages of R independent tables
/// shrink σ by sqrt(R), which is what makes the (m − 1)²/2N term itself visible.
/// </para>
/// </remarks>
public sealed class ClosedFormChannelTests
{
    [Fact]
    public void ClosedForm_BinarySymmetricChannelCrossoverOneTenth_Is0Point531004Bits()
    {
        Assert.Equal(0.531004, SymmetricChannelNats(2, 0.1) / Math.Log(2), 6);
    }

    [Theory]
    [InlineData(2, 0.1, 4_000_000, 11)]
    [InlineData(4, 0.2, 2_000_000, 12)]
    [InlineData(16, 0.3, 2_000_000, 13)]
    public void MutualInformationNats_SymmetricChannelLargeSample_WithinFiveStandardErrorsOfClosedForm(
        int m, double p, int n, int seed)
    {
        var (table, model) = SampleChannel(m, p, n, new Random(seed));

        var exact = SymmetricChannelNats(m, p);
        var bias = (m - 1) * (m - 1) / (2.0 * n);
        var sigma = Math.Sqrt(SymmetricChannelVariance(m, p) / n);

        var mi = table.MutualInformationNats();
        Assert.InRange(mi, exact + bias - (5 * sigma), exact + bias + (5 * sigma));

        var bruteForce = model.MutualInformationNats();
        Assert.InRange(Math.Abs(mi - bruteForce), 0, 1e-12);
        Assert.InRange(Math.Abs(PlugIn.EstimatedNats(table) - bruteForce), 0, 1e-12);
    }

    [Fact]
    public void MutualInformationNats_EightLevelChannelAveragedOver400SmallTables_ShowsTheBiasTerm()
    {
        // At N = 2000 the bias 49/4000 = 0.0122 nat is eight standard errors of the average.
        const int m = 8;
        const double p = 0.2;
        const int n = 2000;
        const int replicates = 400;
        var rng = new Random(8);

        var mean = Enumerable.Range(0, replicates)
            .Select(_ => SampleChannel(m, p, n, rng).Table.MutualInformationNats())
            .Average();

        var exact = SymmetricChannelNats(m, p);
        var bias = (m - 1) * (m - 1) / (2.0 * n);
        var sigma = Math.Sqrt(SymmetricChannelVariance(m, p) / n / replicates);
        Assert.InRange(mean, exact + bias - (5 * sigma), exact + bias + (5 * sigma));
        Assert.True(mean - exact > bias / 2, $"mean {mean} should be about {bias} above {exact}");
    }

    [Fact]
    public void MutualInformationNats_IndependentPairAveragedOver200Tables_IsNearDegreesOfFreedomOver2N()
    {
        // Under independence 2N·Î is χ² with d = (m_x − 1)(m_y − 1) degrees of freedom, so Î has
        // mean d/2N and standard deviation sqrt(2d)/2N; the average of R tables has sqrt(R) less.
        const int rows = 5;
        const int columns = 4;
        const int n = 5000;
        const int replicates = 200;
        var rng = new Random(54);
        var estimates = new List<double>();

        for (var r = 0; r < replicates; r++)
        {
            var table = ContingencyTable.CreateWithOwnMargins(rows, columns);
            for (var i = 0; i < n; i++)
            {
                table.Increment(rng.Next(rows), rng.Next(columns));
            }

            estimates.Add(table.MutualInformationNats());
        }

        const int d = (rows - 1) * (columns - 1);
        var expected = d / (2.0 * n);
        var sigma = Math.Sqrt(2.0 * d) / (2.0 * n) / Math.Sqrt(replicates);
        Assert.InRange(estimates.Average(), expected - (5 * sigma), expected + (5 * sigma));
    }

    /// <summary>I = ln m − H_b(p) − p ln(m − 1): an m-ary symmetric channel, uniform input.</summary>
    private static double SymmetricChannelNats(int m, double p)
    {
        var binaryEntropy = (-p * Math.Log(p)) - ((1 - p) * Math.Log(1 - p));
        return Math.Log(m) - binaryEntropy - (p * Math.Log(m - 1));
    }

    /// <summary>Σ p ln²(p / p_x p_y) − I²; the diagonal carries 1 − p, the rest p.</summary>
    private static double SymmetricChannelVariance(int m, double p)
    {
        var diagonal = Math.Log(m * (1 - p));
        var offDiagonal = Math.Log(m * p / (m - 1));
        var mi = SymmetricChannelNats(m, p);
        return ((1 - p) * diagonal * diagonal) + (p * offDiagonal * offDiagonal) - (mi * mi);
    }

    private static (ContingencyTable Table, CountModel Model) SampleChannel(
        int m,
        double p,
        int n,
        Random rng)
    {
        var table = ContingencyTable.CreateWithOwnMargins(m, m);
        var counts = new long[m, m];
        for (var i = 0; i < n; i++)
        {
            var x = rng.Next(m);
            var y = rng.NextDouble() < p ? (x + 1 + rng.Next(m - 1)) % m : x;
            table.Increment(x, y);
            counts[x, y]++;
        }

        var model = new CountModel();
        for (var x = 0; x < m; x++)
        {
            for (var y = 0; y < m; y++)
            {
                model.Add(x, y, counts[x, y]);
            }
        }

        return (table, model);
    }
}
