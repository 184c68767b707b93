using System.Globalization;

namespace StreamMI.Engine.Discretisation;

/// <summary>Numbers from UTF-8 text, as CSV fields and other text values carry them.</summary>
public static class DecimalText
{
    // A mantissa of at most this many digits is below 2^53, so it is an exact double.
    private const int MaxExactDigits = 15;

    private static readonly double[] s_powersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// Parses a number as <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
    /// does with <see cref="NumberStyles.Float"/> and the invariant culture, and gives the same
    /// double for every input.
    /// </summary>
    /// <remarks>
    /// Most numbers in event data are plain decimals such as <c>-12.5</c>: an optional minus sign,
    /// at most 15 digits and at most one decimal point. Such a number is m / 10^s with m and 10^s
    /// both exact doubles, so one correctly rounded division gives the correctly rounded value,
    /// which is what the general parser returns, at a fraction of its cost. Anything else
    /// (exponents, a plus sign, white space, more digits, NaN and infinity) goes to the general
    /// parser.
    /// </remarks>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out double value)
    {
        if (TryParsePlain(utf8, out value))
        {
            return true;
        }

        return double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParsePlain(ReadOnlySpan<byte> utf8, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (utf8.Length > 0 && utf8[0] == '-')
        {
            negative = true;
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var scale = -1;
        for (; i < utf8.Length; i++)
        {
            var b = utf8[i];
            var digit = (uint)(b - '0');
            if (digit <= 9)
            {
                if (++digits > MaxExactDigits)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                if (scale >= 0)
                {
                    scale++;
                }
            }
            else if (b == '.' && scale < 0)
            {
                scale = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var magnitude = scale > 0 ? mantissa / s_powersOfTen[scale] : mantissa;
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
