using System.Globalization;
using System.Text;
using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Estimation;

/// <summary>
/// Compares the estimator with scikit-learn run in a subprocess on the same labels.
/// </summary>
public class ScikitLearnAgreementTests
{
    // Reads pairs of lines (feature labels, then target labels) from standard input and
    // prints MI, NMI, AMI and E[I] for each pair, at full precision.
    private const string Script = """
        import sys
        import numpy as np
        from sklearn.metrics import (adjusted_mutual_info_score, mutual_info_score,
                                     normalized_mutual_info_score)
        from sklearn.metrics.cluster import contingency_matrix
        from sklearn.metrics.cluster._expected_mutual_info_fast import (
            expected_mutual_information)

        lines = sys.stdin.read().split("\n")
        for i in range(0, len(lines) - 1, 2):
            x = np.array(lines[i].split(), dtype=np.int64)
            y = np.array(lines[i + 1].split(), dtype=np.int64)
            mi = mutual_info_score(y, x)
            nmi = normalized_mutual_info_score(y, x)
            ami = adjusted_mutual_info_score(y, x)
            emi = expected_mutual_information(contingency_matrix(y, x), len(x))
            print(repr(float(mi)), repr(float(nmi)), repr(float(ami)), repr(float(emi)))
        """;

    [Fact]
    public void Estimate_RandomLabelings_AgreeWithScikitLearnToOnePartInABillion()
    {
        (string Name, int[] X, int[] Y)[] cases =
        [
            // name, seed, observations, feature levels, target levels
            Independent("small 3 × 4", 1, 40, 3, 4),
            Independent("binary target", 2, 500, 10, 2),
            Dependent("dependent 40 × 7", 3, 2_000, 40, 7),
            Independent("sparse 250 × 5", 4, 300, 250, 5),
            Dependent("dependent 2 × 2", 5, 5_000, 2, 2),
            Independent("sparse ids", 6, 3_000, 100_000, 3),
            Dependent("wide target", 7, 4_000, 12, 64),
        ];

        var input = new StringBuilder();
        foreach ((_, int[] x, int[] y) in cases)
        {
            input.AppendJoin(' ', x).Append('\n').AppendJoin(' ', y).Append('\n');
        }

        string[] lines = RunScikitLearn(input.ToString())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(cases.Length, lines.Length);
        for (int i = 0; i < cases.Length; i++)
        {
            double[] expected = lines[i]
                .Split(' ')
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture))
                .ToArray();
            DependencyEstimate estimate =
                DependencyEstimator.Estimate(Table(cases[i].X, cases[i].Y));
            string name = cases[i].Name;

            AssertClose(expected[0], estimate.MutualInformationNats, $"{name}: MI");
            AssertClose(expected[1], estimate.NormalizedMutualInformation, $"{name}: NMI");
            // AMI = (I − E[I]) / D is a difference of nearly equal numbers when it is near
            // 0, so its error is relative to I / D, not to AMI. scikit-learn's E[I] sums
            // exp of differences of log-factorials and carries errors of a few 1e-12 (on
            // "sparse ids" 3.4e-12 relative, where the 50-digit emi_reference.py agrees with
            // ours to the last digit), which show in an AMI of −0.0004 at 2.7e-9.
            double scale = estimate.MutualInformationNats
                / (((estimate.EntropyRowsNats + estimate.EntropyColumnsNats) / 2)
                    - estimate.ExpectedMutualInformationNats);
            AssertClose(expected[2], estimate.AdjustedMutualInformation, $"{name}: AMI", scale);
            AssertClose(expected[3], estimate.ExpectedMutualInformationNats, $"{name}: E[I]");
        }
    }

    /// <summary>Fails, rather than skips, without scikit-learn: CI installs it.</summary>
    private static string RunScikitLearn(string input)
    {
        try
        {
            return PythonScript.Run(Script, input);
        }
        catch (InvalidOperationException e) when (
            e.Message.Contains("No module named", StringComparison.Ordinal)
            || e.Message.Contains("is missing", StringComparison.Ordinal))
        {
            Assert.Fail(
                "This test needs scikit-learn for /usr/bin/python3: install the Debian "
                + $"package python3-sklearn (apt-get install python3-sklearn). {e.Message}");
            throw;
        }
    }

    private static void AssertClose(
        double expected,
        double actual,
        string what,
        double scale = 0)
    {
        // One part in 10^9 of the value, or of the scale of the terms it is a difference of.
        double tolerance = 1e-9 * Math.Max(Math.Abs(expected), scale);
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{what} = {actual:R}, scikit-learn {expected:R}");
    }

    private static (string, int[], int[]) Independent(
        string name,
        int seed,
        int observations,
        int featureLevels,
        int targetLevels)
    {
        var random = new Random(seed);
        int[] x = new int[observations];
        int[] y = new int[observations];
        for (int i = 0; i < observations; i++)
        {
            x[i] = random.Next(featureLevels);
            y[i] = random.Next(targetLevels);
        }

        return (name, x, y);
    }

    private static (string, int[], int[]) Dependent(
        string name,
        int seed,
        int observations,
        int featureLevels,
        int targetLevels)
    {
        var random = new Random(seed);
        int[] x = new int[observations];
        int[] y = new int[observations];
        for (int i = 0; i < observations; i++)
        {
            x[i] = random.Next(featureLevels);
            y[i] = random.NextDouble() < 0.3 ? x[i] % targetLevels : random.Next(targetLevels);
        }

        return (name, x, y);
    }

    /// <summary>The contingency table of the labels, levels numbered as first seen.</summary>
    private static TableSnapshot Table(int[] x, int[] y)
    {
        var rows = new Dictionary<int, int>();
        var columns = new Dictionary<int, int>();
        foreach (int v in x)
        {
            rows.TryAdd(v, rows.Count);
        }

        foreach (int v in y)
        {
            columns.TryAdd(v, columns.Count);
        }

        long[] counts = new long[rows.Count * columns.Count];
        for (int i = 0; i < x.Length; i++)
        {
            counts[(rows[x[i]] * columns.Count) + columns[y[i]]]++;
        }

        return new TableSnapshot(rows.Count, columns.Count, counts);
    }
}
