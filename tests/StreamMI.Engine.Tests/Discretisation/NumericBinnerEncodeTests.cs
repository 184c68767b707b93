using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Tests.Discretisation;

/// <summary>
/// Binning counts the edges at or below a value, by a straight count up to 32 edges and a
/// binary search beyond: both must give the level the definition gives.
/// </summary>
public sealed class NumericBinnerEncodeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(200)]
    public void Encode_RandomValuesAndEdgeValues_EqualOnePlusEdgesAtOrBelow(int edgeCount)
    {
        var rng = new Random(edgeCount);
        var edges = Enumerable.Range(0, edgeCount).Select(_ => Math.Round(rng.NextDouble() * 100, 1))
            .Distinct().Order().ToArray();
        var binner = new NumericBinner(edges);
        var values = Enumerable.Range(0, 5000).Select(_ => (rng.NextDouble() * 120) - 10)
            .Concat(edges)
            .Concat([double.NegativeInfinity, double.PositiveInfinity, -0.0]);

        foreach (var value in values)
        {
            Assert.Equal(1 + edges.Count(e => e <= value), binner.Encode(value));
        }

        Assert.Equal(Levels.Missing, binner.Encode(double.NaN));
    }
}
