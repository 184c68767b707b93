using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Tests.Counting;

/// <summary>
/// The term table is cut into chunks of 65,536 terms built on first use: every chunk boundary
/// and the end of the table must give the same terms as the definition.
/// </summary>
public sealed class EntropyTermsChunkTests
{
    private const long ChunkSize = 1 << 16;

    public static TheoryData<long> Boundaries()
    {
        var data = new TheoryData<long>();
        for (var n = ChunkSize; n <= EntropyTerms.CachedCounts; n += ChunkSize)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Phi_EitherSideOfChunkBoundary_EqualsRoundedDefinition(long boundary)
    {
        for (var n = boundary - 3; n <= boundary + 3; n++)
        {
            Assert.Equal(RoundedDefinition(n), EntropyTerms.Phi(n));
        }
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void IncrementDelta_EitherSideOfChunkBoundary_EqualsDifferenceOfDefinitions(long boundary)
    {
        for (var n = boundary - 3; n <= boundary + 3; n++)
        {
            Assert.Equal(RoundedDefinition(n + 1) - RoundedDefinition(n), EntropyTerms.IncrementDelta(n));
        }
    }

    [Fact]
    public void IncrementDelta_SummedThroughSeveralChunks_TelescopesToPhi()
    {
        var start = (3 * ChunkSize) - 100;
        var sum = EntropyTerms.Phi(start);
        for (var n = start; n < (5 * ChunkSize) + 100; n++)
        {
            sum += EntropyTerms.IncrementDelta(n);
        }

        Assert.Equal(RoundedDefinition((5 * ChunkSize) + 100), sum);
    }

    [Fact]
    public void Phi_ChunkBuiltByRacingThreads_EveryThreadSeesTheDefinition()
    {
        // Eight threads ask for a term of the last chunk at once: whether one of them builds the
        // chunk or another test did earlier, each must read the defined term.
        var n = EntropyTerms.CachedCounts - 12_345;
        var seen = new long[8];

        Parallel.For(0, seen.Length, i => seen[i] = EntropyTerms.Phi(n));

        Assert.All(seen, phi => Assert.Equal(RoundedDefinition(n), phi));
    }

    private static long RoundedDefinition(long n) =>
        n <= 1 ? 0 : (long)Math.Round(n * Math.Log(n) * 4294967296.0);
}
