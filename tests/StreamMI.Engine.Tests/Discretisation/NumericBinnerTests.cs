using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Tests.Discretisation;

public sealed class NumericBinnerTests
{
    [Theory]
    [InlineData(double.NegativeInfinity, 1)]
    [InlineData(-5, 1)]
    [InlineData(-1e-300, 1)]
    [InlineData(0, 2)]
    [InlineData(9.999999, 2)]
    [InlineData(10, 3)]
    [InlineData(19.5, 3)]
    [InlineData(20, 4)]
    [InlineData(1e300, 4)]
    [InlineData(double.PositiveInfinity, 4)]
    [InlineData(double.NaN, 0)]
    public void Encode_FixedEdges_ValueOnAnEdgeGoesUp(double value, int expected)
    {
        var binner = new NumericBinner([0, 10, 20]);

        Assert.Equal(expected, binner.Encode(value));
    }

    [Fact]
    public void Constructor_FixedEdges_IsFrozenWithOneMoreBinThanEdges()
    {
        var binner = new NumericBinner([0, 10, 20]);

        Assert.True(binner.IsFrozen);
        Assert.Equal(4, binner.Bins);
        Assert.Equal(5, binner.Capacity);
        Assert.Equal([0.0, 10.0, 20.0], binner.Edges);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { 0.0, double.NaN })]
    [InlineData(new[] { double.NegativeInfinity, 0.0 })]
    [InlineData(new[] { 0.0, double.PositiveInfinity })]
    public void Constructor_EdgesNotFiniteAndIncreasing_Throws(double[] edges)
    {
        var error = Assert.Throws<ArgumentException>(() => new NumericBinner(edges));

        Assert.Contains("strictly increasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_FewerThanTwoBins_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumericBinner(1));
    }

    [Fact]
    public void Freeze_OneToThousandInFourBins_LearnsQuartileEdges()
    {
        var binner = new NumericBinner(4);
        var sample = Enumerable.Range(1, 1000).Select(i => (double)i).Reverse().ToArray();

        binner.Freeze(sample);

        Assert.True(binner.IsFrozen);
        Assert.Equal([251.0, 501.0, 751.0], binner.Edges);
        var perBin = sample.GroupBy(binner.Encode)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count()));
        Assert.Equal([(1, 250), (2, 250), (3, 250), (4, 250)], perBin);
    }

    [Fact]
    public void Freeze_RepeatedValues_CollapseBins()
    {
        // Ten values, five bins: the 0.2, 0.4, 0.6 and 0.8 quantiles are 5, 5, 5 and 7. An edge at
        // the minimum would leave bin 1 empty and equal edges would leave a bin empty between them,
        // so only 7 remains.
        var binner = new NumericBinner(5);

        binner.Freeze([5, 5, 5, 5, 5, 5, 5, 5, 7, 9]);

        Assert.Equal([7.0], binner.Edges);
        Assert.Equal(1, binner.Encode(5));
        Assert.Equal(2, binner.Encode(9));
    }

    [Fact]
    public void Freeze_SingleDistinctValue_LeavesOneBin()
    {
        var binner = new NumericBinner(10);

        binner.Freeze([3, 3, 3, 3]);

        Assert.Empty(binner.Edges);
        Assert.Equal(1, binner.Encode(3));
        Assert.Equal(1, binner.Encode(1e9));
    }

    [Fact]
    public void Freeze_NaNInSample_IsIgnoredAndStillMissing()
    {
        var binner = new NumericBinner(2);

        binner.Freeze([double.NaN, 1, 2, double.NaN, 3, 4]);

        Assert.Equal([3.0], binner.Edges);
        Assert.Equal(Levels.Missing, binner.Encode(double.NaN));
    }

    [Fact]
    public void Freeze_Twice_Throws()
    {
        var binner = new NumericBinner(2);
        binner.Freeze([1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => binner.Freeze([4, 5, 6]));
    }

    [Fact]
    public void Freeze_FixedEdges_Throws()
    {
        var binner = new NumericBinner([1.0]);

        Assert.Throws<InvalidOperationException>(() => binner.Freeze([4, 5, 6]));
    }

    [Theory]
    [InlineData(0, "(missing)")]
    [InlineData(1, "[-inf, 0)")]
    [InlineData(2, "[0, 2.5)")]
    [InlineData(3, "[2.5, +inf)")]
    public void LevelName_FixedEdges_NamesTheInterval(int level, string expected)
    {
        var binner = new NumericBinner([0, 2.5]);

        Assert.Equal(expected, binner.LevelName(level));
    }
}
