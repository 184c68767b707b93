using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Tests.Counting;

public sealed class MarginalTests
{
    [Fact]
    public void Constructor_NoLevels_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Marginal(0));
    }

    [Fact]
    public void Increment_ThreeLevels_KeepsCountsTotalAndSumOfTerms()
    {
        var margin = new Marginal(3);

        margin.Increment(0);
        margin.Increment(2);
        margin.Increment(2);
        margin.Increment(2);

        Assert.Equal(4, margin.Total);
        Assert.Equal(2, margin.NonZeroLevels);
        Assert.Equal(3, margin.Count(2));
        Assert.Equal(EntropyTerms.Phi(3) + EntropyTerms.Phi(1), margin.SumPhi);
    }

    [Fact]
    public void Subtract_EverythingAdded_ReturnsToEmpty()
    {
        var margin = new Marginal(2);
        for (var i = 0; i < 1000; i++)
        {
            margin.Increment(i % 2);
        }

        margin.Subtract(0, 500);
        margin.Subtract(1, 499);
        margin.Subtract(1, 1);

        Assert.Equal(0, margin.Total);
        Assert.Equal(0, margin.NonZeroLevels);
        Assert.Equal(0, margin.SumPhi);
    }

    [Fact]
    public void Subtract_ZeroAmountFromEmptyLevel_LeavesNonZeroLevelsUnchanged()
    {
        var margin = new Marginal(3);
        margin.Increment(1);

        margin.Subtract(0, 0);

        Assert.Equal(1, margin.NonZeroLevels);
        Assert.Equal(1, margin.Total);
    }

    [Fact]
    public void CopyTo_AfterCounts_CopiesEveryLevel()
    {
        var margin = new Marginal(4);
        margin.Increment(1);
        margin.Increment(3);
        margin.Increment(3);
        var copy = new int[4];

        margin.CopyTo(copy);

        Assert.Equal([0, 1, 0, 2], copy);
    }
}
