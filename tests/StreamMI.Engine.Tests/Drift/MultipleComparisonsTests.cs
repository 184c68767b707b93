using StreamMI.Engine.Drift;

namespace StreamMI.Engine.Tests.Drift;

public sealed class MultipleComparisonsTests
{
    [Fact]
    public void Adjust_BenjaminiHochberg_MatchesHandWorkedExample()
    {
        // Sorted: 0.005, 0.01, 0.03, 0.04; m·p/rank: 0.02, 0.02, 0.04, 0.04; running minimum from
        // the top leaves them so. Back in input order:
        var adjusted = MultipleComparisons.Adjust([0.01, 0.04, 0.03, 0.005], Correction.BenjaminiHochberg);

        Assert.Equal([0.02, 0.04, 0.04, 0.02], adjusted.Select(q => Math.Round(q, 12)));
    }

    [Fact]
    public void Adjust_BenjaminiHochberg_RunningMinimumLowersAnEarlierRank()
    {
        // m·p/rank: 0.3, 0.2 → the first is lowered to 0.2 by the step-up rule.
        var adjusted = MultipleComparisons.Adjust([0.15, 0.2], Correction.BenjaminiHochberg);

        Assert.Equal(0.2, adjusted[0], 15);
        Assert.Equal(0.2, adjusted[1], 15);
    }

    [Fact]
    public void Adjust_BonferroniAndNone_MultiplyByCountCappedAtOneOrLeaveAlone()
    {
        double[] p = [0.001, 0.3, 0.02];

        Assert.Equal([0.003, 0.9, 0.06], MultipleComparisons.Adjust(p, Correction.Bonferroni).Select(q => Math.Round(q, 12)));
        Assert.Equal(1, MultipleComparisons.Adjust([0.5, 0.6], Correction.Bonferroni)[1]);
        Assert.Equal(p, MultipleComparisons.Adjust(p, Correction.None));
    }

    [Fact]
    public void Adjust_RandomPValues_RejectionsEqualTheStepUpProcedure()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 500; trial++)
        {
            var m = random.Next(1, 30);
            var p = Enumerable.Range(0, m)
                .Select(_ => random.Next(3) == 0 ? random.NextDouble() * 0.01 : random.NextDouble())
                .ToArray();
            var alpha = new[] { 0.01, 0.05, 0.1 }[trial % 3];

            var adjusted = MultipleComparisons.Adjust(p, Correction.BenjaminiHochberg);

            // Step-up: the largest k with p_(k) ≤ kα/m; reject every p ≤ p_(k).
            var sorted = p.Order().ToArray();
            var k = 0;
            for (var i = 1; i <= m; i++)
            {
                if (sorted[i - 1] <= i * alpha / m)
                {
                    k = i;
                }
            }

            var expected = p.Select(x => k > 0 && x <= sorted[k - 1]).ToArray();
            Assert.Equal(expected, adjusted.Select(q => q <= alpha).ToArray());
            // An adjusted p-value is never below its raw one (up to the rounding of m·p / m).
            Assert.All(adjusted.Zip(p), pair => Assert.InRange(pair.First, pair.Second * (1 - 1e-15), 1.0));
        }
    }

    [Fact]
    public void Name_EachCorrection_IsTheNameOutputUses()
    {
        Assert.Equal("benjamini-hochberg", MultipleComparisons.Name(Correction.BenjaminiHochberg));
        Assert.Equal("bonferroni", MultipleComparisons.Name(Correction.Bonferroni));
        Assert.Equal("none", MultipleComparisons.Name(Correction.None));
    }
}
