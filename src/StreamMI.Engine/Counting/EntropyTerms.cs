namespace StreamMI.Engine.Counting;

/// <summary>
/// The terms φ(n) = n ln n of the plug-in entropy sums, in 32.32 fixed point.
/// </summary>
/// <remarks>
/// Sums of doubles are not reversible: adding and later subtracting the same term leaves a
/// rounding residue, and over tens of millions of window expiries the residue grows without
/// bound. A fixed-point term is a pure function of n, so an expiry subtracts exactly what the
/// matching increment added and the sums always equal a recount from the cells. At a scale of
/// 2^32 an Int64 sum holds φ(N) for N up to about 10^8 events in one window.
/// </remarks>
public static class EntropyTerms
{
    /// <summary>The fixed-point scale: one nat is this many units.</summary>
    public const double Scale = 4294967296.0;

    /// <summary>The largest window, in events, whose sums cannot overflow.</summary>
    public const long MaxWindowEvents = 100_000_000;

    private const int CachedTerms = 1 << 16;

    private static readonly long[] s_cache = BuildCache();

    /// <summary>φ(n) = n ln n scaled by <see cref="Scale"/> and rounded to the nearest unit.</summary>
    public static long Phi(long n)
    {
        if ((ulong)n < CachedTerms)
        {
            return s_cache[n];
        }

        return Compute(n);
    }

    /// <summary>φ(n + 1) − φ(n): what a count going from n to n + 1 adds to its sum.</summary>
    public static long IncrementDelta(long n) => Phi(n + 1) - Phi(n);

    /// <summary>Converts a fixed-point sum back to nats.</summary>
    public static double ToNats(long units) => units / Scale;

    private static long Compute(long n) => n <= 1 ? 0 : (long)Math.Round(n * Math.Log(n) * Scale);

    private static long[] BuildCache()
    {
        var cache = new long[CachedTerms];
        for (var n = 0; n < cache.Length; n++)
        {
            cache[n] = Compute(n);
        }

        return cache;
    }
}
