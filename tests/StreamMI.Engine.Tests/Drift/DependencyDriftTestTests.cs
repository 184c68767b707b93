using StreamMI.Engine.Drift;
using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Drift;

public sealed class DependencyDriftTestTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1.959963984540054, 0.05)]
    [InlineData(-1.959963984540054, 0.05)]
    [InlineData(3, 0.0026997960632601866)]
    [InlineData(6, 1.973175290075686e-09)]
    public void TwoSidedNormalPValue_KnownQuantiles_MatchPublishedValues(double z, double expected)
    {
        Assert.Equal(expected, DependencyDriftTest.TwoSidedNormalPValue(z), expected * 1e-9);
    }

    [Fact]
    public void Compare_HandMadeMoments_DeltaIsCorrectedDifferenceAndZUsesBothVariances()
    {
        // Current: I = 0.30, bias 0.01, per-event variance 0.5 over 1000 events; reference:
        // I = 0.20, bias 0.02, variance 0.4 over 2000. Δ = 0.29 − 0.18 = 0.11,
        // SE = sqrt(0.5/1000 + 0.4/2000) = sqrt(0.0007).
        var current = new InformationMoments(1000, 0.30, 0.01, 0.5);
        var reference = new InformationMoments(2000, 0.20, 0.02, 0.4);

        var change = DependencyDriftTest.Compare(current, reference);

        Assert.Equal(0.11, change.DeltaNats, 14);
        Assert.Equal(Math.Sqrt(0.0007), change.StandardErrorNats, 14);
        Assert.Equal(0.11 / Math.Sqrt(0.0007), change.Z, 1e-11);
        Assert.Equal(DependencyDriftTest.TwoSidedNormalPValue(change.Z), change.PValue);
    }

    [Fact]
    public void Compare_BothEmpty_NoChangeAndPValueOne()
    {
        var change = DependencyDriftTest.Compare(default, default);

        Assert.Equal(new DependencyChange(0, 0, 0, 1), change);
    }

    [Fact]
    public void InformationMomentsOf_RandomTables_EqualTheEstimatorsFigures()
    {
        var random = new Random(23);
        for (var trial = 0; trial < 200; trial++)
        {
            var rows = random.Next(1, 7);
            var columns = random.Next(1, 5);
            var counts = Enumerable.Range(0, rows * columns)
                .Select(_ => random.Next(4) == 0 ? 0L : random.Next(0, 50))
                .ToArray();
            var table = new TableSnapshot(rows, columns, counts);

            var moments = InformationMoments.Of(table);
            var estimate = DependencyEstimator.Estimate(table);

            Assert.Equal(estimate.Total, moments.Total);
            Assert.Equal(estimate.MutualInformationNats, moments.PlugInNats, 1e-13);
            Assert.Equal(estimate.MillerMadowBiasNats, moments.BiasNats, 1e-13);
            Assert.Equal(estimate.MillerMadowNats, moments.CorrectedNats, 1e-13);
            Assert.Equal(estimate.VarianceNats, moments.VarianceNats, 1e-12);
            Assert.Equal(estimate.Total == 0 ? 0 : estimate.StandardErrorNats * estimate.StandardErrorNats, moments.EstimateVariance, 1e-14);
        }
    }

    [Fact]
    public void InformationMomentsOf_PerfectBinaryDependence_VarianceIsFlooredAtNullValue()
    {
        // Y = X, both uniform binary over 100 events: I = ln 2 exactly, and every cell has the
        // same log ratio ln 2, so Σ p ln² − I² = 0; the floor is dof / 2N = 1 / 200. The bias
        // term (m_xy − m_x − m_y + 1) / 2N = (2 − 2 − 2 + 1) / 200 is negative here.
        var moments = InformationMoments.Of(new TableSnapshot(2, 2, [50, 0, 0, 50]));

        Assert.Equal(Math.Log(2), moments.PlugInNats, 14);
        Assert.Equal(1.0 / 200, moments.VarianceNats, 15);
        Assert.Equal(-1.0 / 200, moments.BiasNats, 15);
    }
}
