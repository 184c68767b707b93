namespace StreamMI.Engine.Discretisation;

/// <summary>
/// A seeded 64-bit hash of bytes that is the same in every process and on every machine.
/// </summary>
/// <remarks>
/// String.GetHashCode is randomised per process, which would send one value to different hashed
/// buckets in the reference window and the current one, or before and after a restart, and so
/// manufacture drift. This is FNV-1a over the bytes, seeded, with a final avalanche so that
/// nearby inputs spread over buckets taken modulo a small number.
/// </remarks>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Hashes <paramref name="bytes"/> with <paramref name="seed"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes, ulong seed)
    {
        var h = OffsetBasis ^ seed;
        foreach (var b in bytes)
        {
            h = (h ^ b) * Prime;
        }

        return Avalanche(h + (ulong)bytes.Length);
    }

    private static ulong Avalanche(ulong h)
    {
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}
