using System.Runtime.CompilerServices;

namespace StreamMI.Engine.Counting;

/// <summary>
/// The terms φ(n) = n ln n of the plug-in entropy sums, in 32.32 fixed point.
/// </summary>
/// <remarks>
/// <para>
/// Sums of doubles are not reversible: adding and later subtracting the same term leaves a
/// rounding residue, and over tens of millions of window expiries the residue grows without
/// bound. A fixed-point term is a pure function of n, so an expiry subtracts exactly what the
/// matching increment added and the sums always equal a recount from the cells. At a scale of
/// 2^32 an Int64 sum holds φ(N) for N up to about 1.157 × 10^8 events in one window; windows
/// stop counting at <see cref="MaxWindowEvents"/>.
/// </para>
/// <para>
/// Every count change needs two terms, and computing one takes a logarithm (about 11 ns on the
/// machines the benchmarks run on), which would be most of the cost of an event. Terms for
/// counts below <see cref="CachedCounts"/> are therefore kept in chunks of 65,536 terms: the
/// first chunk is built with the type, each further one by the first count that reaches it
/// (about a millisecond). A counter climbs through consecutive terms, so the chunks a stream
/// touches stay in cache line by line; the table takes 512 KiB per chunk reached and 16 MiB
/// at most, once some count passes two million. Larger counts compute their terms each time.
/// </para>
/// </remarks>
public static class EntropyTerms
{
    /// <summary>The fixed-point scale: one nat is this many units.</summary>
    public const double Scale = 4294967296.0;

    /// <summary>
    /// The largest window, in events, whose sums cannot overflow: φ(10^8) is about 7.9 × 10^18
    /// units, below <see cref="long.MaxValue"/> (about 9.2 × 10^18), which φ passes near
    /// 1.157 × 10^8 events. <see cref="Windows.WindowedTables"/> refuses events beyond it.
    /// </summary>
    public const long MaxWindowEvents = 100_000_000;

    /// <summary>Counts below this take their terms from the table instead of a logarithm.</summary>
    public const long CachedCounts = (long)ChunkCount << ChunkBits;

    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkCount = 32;

    private static readonly long[]?[] s_chunks = CreateChunks();

    /// <summary>φ(n) = n ln n scaled by <see cref="Scale"/> and rounded to the nearest unit.</summary>
    public static long Phi(long n)
    {
        if ((ulong)n < CachedCounts)
        {
            return Chunk(n)[n & (ChunkSize - 1)];
        }

        return Compute(n);
    }

    /// <summary>φ(n + 1) − φ(n): what a count going from n to n + 1 adds to its sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long IncrementDelta(long n)
    {
        var offset = (int)n & (ChunkSize - 1);
        if ((ulong)n < CachedCounts && offset != ChunkSize - 1)
        {
            // Both terms in one chunk, nearly always in one cache line.
            var chunk = Chunk(n);
            return chunk[offset + 1] - chunk[offset];
        }

        return IncrementDeltaSlow(n);
    }

    /// <summary>Converts a fixed-point sum back to nats.</summary>
    public static double ToNats(long units) => units / Scale;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long IncrementDeltaSlow(long n) => Phi(n + 1) - Phi(n);

    private static long Compute(long n) => n <= 1 ? 0 : (long)Math.Round(n * Math.Log(n) * Scale);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long[] Chunk(long n) =>
        Volatile.Read(ref s_chunks[n >> ChunkBits]) ?? BuildChunk((int)(n >> ChunkBits));

    private static long[]?[] CreateChunks()
    {
        var chunks = new long[]?[ChunkCount];
        chunks[0] = ComputeChunk(0);
        return chunks;
    }

    // Any thread may build a missing chunk. Two threads that race both compute it; the first to
    // publish wins and the other uses the winner's copy. Both copies hold the same terms, since a
    // term is a pure function of its count.
    private static long[] BuildChunk(int index)
    {
        var fresh = ComputeChunk(index);
        return Interlocked.CompareExchange(ref s_chunks[index], fresh, null) ?? fresh;
    }

    private static long[] ComputeChunk(int index)
    {
        var chunk = new long[ChunkSize];
        long first = (long)index << ChunkBits;
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = Compute(first + i);
        }

        return chunk;
    }
}
