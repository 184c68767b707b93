using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Counting;

public sealed class EntropyTermsTests
{
    // Terms below this come from the precomputed cache, the rest are computed on demand.
    private const long FirstUncached = 1 << 16;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Phi_ZeroOrOne_IsZero(long n)
    {
        Assert.Equal(0, EntropyTerms.Phi(n));
    }

    [Fact]
    public void Phi_EveryCachedTerm_EqualsRoundedDefinition()
    {
        for (long n = 2; n < FirstUncached; n++)
        {
            Assert.Equal(RoundedDefinition(n), EntropyTerms.Phi(n));
        }
    }

    [Theory]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(1_000_003)]
    [InlineData(99_999_989)]
    [InlineData(100_000_000)]
    public void Phi_EitherSideOfCache_EqualsRoundedDefinition(long n)
    {
        Assert.Equal(RoundedDefinition(n), EntropyTerms.Phi(n));
    }

    [Fact]
    public void Phi_CachedAndUncached_WithinDoubleRoundingOfDecimalReference()
    {
        // The double computation of n ln n · 2^32 rounds ln n and the product: at most a unit
        // for the cached terms (all below 2^52) and a few ulps of the result beyond.
        var rng = new Random(20240611);
        var cached = Enumerable.Range(0, 2000).Select(_ => rng.NextInt64(2, FirstUncached));
        var uncached = Enumerable.Range(0, 2000).Select(_ => rng.NextInt64(FirstUncached, 100_000_001));
        var samples = Enumerable.Range(2, 2000).Select(i => (long)i).Concat(cached).Concat(uncached);

        foreach (var n in samples)
        {
            var exact = HighPrecision.ScaledPhi(n);
            var slack = 1 + ((double)exact * 4e-16);
            Assert.InRange((double)Math.Abs(EntropyTerms.Phi(n) - exact), 0, slack);
        }
    }

    [Fact]
    public void IncrementDelta_AcrossCacheBoundary_EqualsDifferenceOfTerms()
    {
        for (var n = FirstUncached - 2000; n < FirstUncached + 2000; n++)
        {
            var difference = EntropyTerms.Phi(n + 1) - EntropyTerms.Phi(n);
            Assert.Equal(difference, EntropyTerms.IncrementDelta(n));
        }
    }

    [Fact]
    public void IncrementDelta_SummedFromZero_TelescopesToPhi()
    {
        long sum = 0;
        for (long n = 0; n < FirstUncached + 5000; n++)
        {
            sum += EntropyTerms.IncrementDelta(n);
            Assert.Equal(EntropyTerms.Phi(n + 1), sum);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(12_345_678)]
    public void IncrementDelta_InNats_LiesBetweenDerivativeBounds(long n)
    {
        // φ'(t) = ln t + 1 is increasing, so φ(n + 1) − φ(n) lies between its values at n and
        // n + 1; two roundings of 2^-33 nat each can push it out by 2^-32 at most.
        var delta = EntropyTerms.ToNats(EntropyTerms.IncrementDelta(n));
        var slack = Math.Pow(2, -32) + 1e-15;

        Assert.InRange(delta, Math.Log(n) + 1 - slack, Math.Log(n + 1) + 1 + slack);
    }

    [Fact]
    public void ToNats_OfPhi_RecoversNLogN()
    {
        Assert.Equal(10 * Math.Log(10), EntropyTerms.ToNats(EntropyTerms.Phi(10)), 9);
        Assert.Equal(0.5, EntropyTerms.ToNats((long)EntropyTerms.Scale / 2));
    }

    [Fact]
    public void Stress_FiveMillionIncrementsAndExpiries_MiEqualsRecountToOneInTenToTheTwelve()
    {
        // A FIFO window over a dependent pair: each step counts a new event or expires the oldest,
        // sometimes several at once as a pane does. Five million steps leave about half a million
        // events, where the fixed-point rounding bound is far below 1e-12.
        const int rows = 12;
        const int columns = 6;
        const int steps = 5_000_000;
        var rng = new Random(5_000_000);
        var table = ContingencyTable.CreateWithOwnMargins(rows, columns);
        var live = new Queue<(int Row, int Column)>();
        var counts = new long[rows, columns];

        for (var step = 0; step < steps; step++)
        {
            if (live.Count == 0 || rng.NextDouble() < 0.55)
            {
                var row = rng.Next(rows);
                var column = rng.NextDouble() < 0.7 ? row % columns : rng.Next(columns);
                table.Increment(row, column);
                live.Enqueue((row, column));
                counts[row, column]++;
            }
            else
            {
                var (row, column) = live.Dequeue();
                var amount = 1;
                while (live.Count > 0 && live.Peek() == (row, column) && rng.Next(3) == 0)
                {
                    live.Dequeue();
                    amount++;
                }

                table.Subtract(row, column, amount);
                counts[row, column] -= amount;
            }
        }

        var model = new CountModel();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                model.Add(r, c, counts[r, c]);
            }
        }

        Assert.InRange(model.Total, 400_000, 600_000);
        Assert.Equal(table.Recount().SumPhi, table.SumPhi);
        TableAssert.Matches(model, table);
        var difference = table.MutualInformationNats() - model.MutualInformationNats();
        Assert.InRange(Math.Abs(difference), 0, 1e-12);
    }

    private static long RoundedDefinition(long n) =>
        (long)Math.Round(n * Math.Log(n) * EntropyTerms.Scale);
}
