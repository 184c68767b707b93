using System.Globalization;
using System.Text;
using StreamMI.Engine.Drift;

namespace StreamMI.Engine.Tests.Drift;

public sealed class DistributionShiftTests
{
    private const double Ln2 = 0.6931471805599453;

    [Fact]
    public void Compare_SameCounts_EverythingIsZeroAndPValueIsOne()
    {
        var shift = DistributionShift.Compare([10, 20, 30], [10, 20, 30]);

        Assert.Equal(0, shift.Psi, 15);
        Assert.Equal(0, shift.JensenShannonBits, 15);
        Assert.Equal(0, shift.GStatistic, 12);
        Assert.Equal(2, shift.DegreesOfFreedom);
        Assert.Equal(1, shift.PValue, 12);
    }

    [Fact]
    public void Compare_DisjointSupports_JensenShannonIsOneBit()
    {
        // P puts everything on level 1, Q on level 2: M = (½, ½) and each KL to M is ln 2.
        var shift = DistributionShift.Compare([0, 40, 0], [0, 0, 25]);

        Assert.Equal(1, shift.JensenShannonBits, 12);
    }

    [Fact]
    public void Compare_TwoLevels_PsiMatchesHandComputedSmoothedShares()
    {
        // Both levels seen, so each gets half an event: current (30.5, 70.5) / 101, reference
        // (50.5, 50.5) / 101. PSI = Σ (c − r) ln(c / r) = (−20/101) ln(30.5/50.5) + (20/101) ln(70.5/50.5).
        var expected = (-20.0 / 101 * Math.Log(30.5 / 50.5)) + (20.0 / 101 * Math.Log(70.5 / 50.5));

        var shift = DistributionShift.Compare([30, 70], [50, 50]);

        Assert.Equal(0.165918025, expected, 9);
        Assert.Equal(expected, shift.Psi, 14);
    }

    [Fact]
    public void Compare_LevelMissingFromTheShorterSpan_CountsAsZero()
    {
        var shorter = DistributionShift.Compare([5, 5], [5, 5, 10]);
        var padded = DistributionShift.Compare([5, 5, 0], [5, 5, 10]);

        Assert.Equal(padded, shorter);
        Assert.Equal(2, shorter.DegreesOfFreedom);
    }

    [Fact]
    public void Compare_EmptyWindow_IsNoEvidenceOfShift()
    {
        var shift = DistributionShift.Compare([], [3, 4]);

        Assert.Equal(new MarginalShift(0, 0, 0, 0, 1), shift);
    }

    [Fact]
    public void Compare_RandomCountVectors_MatchScipyGTestAndJensenShannon()
    {
        var random = new Random(17);
        var cases = new List<(long[] Current, long[] Reference)>();
        for (var i = 0; i < 25; i++)
        {
            var levels = random.Next(2, 9);
            var current = new long[levels];
            var reference = new long[levels];
            for (var l = 0; l < levels; l++)
            {
                current[l] = random.Next(0, 3) == 0 ? 0 : random.Next(1, 400);
                reference[l] = random.Next(0, 4) == 0 ? 0 : random.Next(1, 400);
            }

            // Keep every level seen in at least one window, as the engine's counts are.
            for (var l = 0; l < levels; l++)
            {
                if (current[l] + reference[l] == 0)
                {
                    current[l] = 1;
                }
            }

            current[0] += 1;
            reference[^1] += 1;
            cases.Add((current, reference));
        }

        var input = new StringBuilder();
        foreach (var (current, reference) in cases)
        {
            input.AppendLine(string.Join(' ', current)).AppendLine(string.Join(' ', reference));
        }

        const string Script = """
            import sys
            import numpy as np
            from scipy.stats import chi2_contingency
            from scipy.spatial.distance import jensenshannon
            lines = [l.split() for l in sys.stdin.read().strip().splitlines()]
            for i in range(0, len(lines), 2):
                c = np.array([float(x) for x in lines[i]])
                r = np.array([float(x) for x in lines[i + 1]])
                g, p, dof, _ = chi2_contingency(np.array([c, r]), correction=False, lambda_="log-likelihood")
                js = jensenshannon(c / c.sum(), r / r.sum(), base=2) ** 2
                print(repr(g), repr(p), dof, repr(js))
            """;
        var output = PythonScript.Run(Script, input.ToString()).Trim().Split('\n');

        for (var i = 0; i < cases.Count; i++)
        {
            var expected = output[i].Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var shift = DistributionShift.Compare(cases[i].Current, cases[i].Reference);

            Assert.Equal(expected[0], shift.GStatistic, Math.Max(1e-9, expected[0] * 1e-10));
            Assert.Equal(expected[1], shift.PValue, Math.Max(1e-14, expected[1] * 1e-7));
            Assert.Equal((int)expected[2], shift.DegreesOfFreedom);
            Assert.Equal(expected[3], shift.JensenShannonBits, 1e-12);
        }
    }

    [Fact]
    public void Compare_JensenShannonInBits_IsHalfTheSumOfKullbackLeiblerToTheMean()
    {
        // P = (0.25, 0.75), Q = (0.5, 0.5), M = (0.375, 0.625), worked by hand.
        var expected = 0.5 * ((0.25 * Math.Log(0.25 / 0.375)) + (0.75 * Math.Log(0.75 / 0.625))
            + (0.5 * Math.Log(0.5 / 0.375)) + (0.5 * Math.Log(0.5 / 0.625))) / Ln2;

        var shift = DistributionShift.Compare([25, 75], [50, 50]);

        Assert.Equal(expected, shift.JensenShannonBits, 14);
    }
}
