using StreamMI.Engine.Redundancy;

namespace StreamMI.Engine.Tests.Drift;

public sealed class MrmrRankingTests
{
    [Fact]
    public void Rank_TwoCopiesAndAnIndependentWeakerFeature_CopyFallsBehindTheNewInformation()
    {
        // Worked by hand. Features 0 and 1 are copies (relevance 0.5 each, redundancy 0.6);
        // feature 2 adds 0.3 and shares nothing; feature 3 carries nothing.
        // MID: 0 (0.5), then 2 (0.3 − 0 beats 0.5 − 0.6), then 1 (0.5 − 0.6/2 = 0.2), then 3 (0).
        // MIQ: 0, then 2 (0.3 / 1e-6), then 1 (0.5 / 0.3), then 3 (0).
        var redundancy = new double[4, 4];
        redundancy[0, 1] = redundancy[1, 0] = 0.6;

        var result = MrmrRanking.Rank([0.5, 0.5, 0.3, 0.0], redundancy);

        Assert.Equal([1, 3, 2, 4], result.DifferenceRank);
        Assert.Equal([0.5, 0.2, 0.3, 0.0], result.DifferenceScore.Select(s => Math.Round(s, 12)));
        Assert.Equal([1, 3, 2, 4], result.QuotientRank);
        Assert.Equal(0.5 / 0.3, result.QuotientScore[1], 12);
        Assert.Equal(0.3 / MrmrRanking.QuotientFloorNats, result.QuotientScore[2], 6);
    }

    [Fact]
    public void Rank_NegativeCorrectedEstimates_AreClampedAtZero()
    {
        // A slightly negative corrected relevance ranks like zero; a negative redundancy adds none.
        var redundancy = new double[3, 3];
        redundancy[0, 2] = redundancy[2, 0] = -0.01;

        var result = MrmrRanking.Rank([0.2, -0.001, 0.1], redundancy);

        Assert.Equal([1, 3, 2], result.DifferenceRank);
        Assert.Equal(0.1, result.DifferenceScore[2], 15);
        Assert.Equal(0, result.DifferenceScore[1]);
    }

    [Fact]
    public void TopK_TiesGoToTheLowerIndex_AndAllPairsListsEachPairOnce()
    {
        var top = PairSelection.TopK([0.1, 0.3, 0.3, 0.05, 0.2], 3);

        Assert.Equal([1, 2, 4], top);
        Assert.Equal([(1, 2), (1, 4), (2, 4)], PairSelection.AllPairs(top));
        Assert.Empty(PairSelection.AllPairs([3]));
    }
}
