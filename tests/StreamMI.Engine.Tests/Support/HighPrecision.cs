namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// n ln n in decimal arithmetic (28 significant digits), as an independent reference for the
/// engine's double-computed fixed-point terms.
/// </summary>
internal static class HighPrecision
{
    private const decimal Ln2 = 0.6931471805599453094172321215m;

    /// <summary>n ln n · 2^32, unrounded, for 1 ≤ n ≤ about 10^9.</summary>
    public static decimal ScaledPhi(long n) => n * Log(n) * 4294967296m;

    /// <summary>ln n for n ≥ 1.</summary>
    public static decimal Log(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);

        // n = 2^k · m with 1 ≤ m < 2, then ln m = 2 atanh(z), z = (m − 1)/(m + 1) ≤ 1/3, whose
        // series gains a factor z² ≤ 1/9 per term.
        var k = 63 - long.LeadingZeroCount(n);
        var m = n / (decimal)(1L << (int)k);
        var z = (m - 1) / (m + 1);
        var z2 = z * z;
        var term = z;
        var sum = 0m;
        for (var j = 1; term != 0 && j < 200; j += 2)
        {
            sum += term / j;
            term *= z2;
        }

        return (k * Ln2) + (2 * sum);
    }
}
