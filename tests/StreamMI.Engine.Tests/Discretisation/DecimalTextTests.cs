using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Tests.Discretisation;

/// <summary>
/// The text number parser against the runtime's own double parser, which is the reference: every
/// input must give the same verdict and the same bits.
/// </summary>
public sealed class DecimalTextTests
{
    [Fact]
    public void TryParse_RandomPlainDecimals_SameBitsAsDoubleParse()
    {
        var rng = new Random(20261204);
        for (var n = 0; n < 200_000; n++)
        {
            var digits = rng.Next(1, 18);
            var text = new StringBuilder();
            if (rng.Next(3) == 0)
            {
                text.Append('-');
            }

            var point = rng.Next(-1, digits + 1);
            for (var d = 0; d < digits; d++)
            {
                if (d == point)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + rng.Next(10)));
            }

            if (point == digits)
            {
                text.Append('.');
            }

            AssertSameAsRuntime(text.ToString());
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("000123.4500")]
    [InlineData("999999999999999")]
    [InlineData("9999999999999999")]
    [InlineData("0.1")]
    [InlineData("0.30000000000000004")]
    [InlineData("123456789012345.6")]
    [InlineData("1e10")]
    [InlineData("1E-7")]
    [InlineData("1e400")]
    [InlineData("+3.5")]
    [InlineData(" 42")]
    [InlineData("42 ")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("1-")]
    [InlineData("12a")]
    [InlineData("1,5")]
    [InlineData("0x10")]
    public void TryParse_EdgeCases_SameVerdictAndBitsAsDoubleParse(string text) => AssertSameAsRuntime(text);

    private static void AssertSameAsRuntime(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var expectedOk = double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
        var ok = DecimalText.TryParse(utf8, out var actual);

        Assert.True(expectedOk == ok, $"'{text}': the runtime says {expectedOk}, DecimalText says {ok}");
        if (ok)
        {
            Assert.True(
                BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
                $"'{text}': the runtime gives {expected:R}, DecimalText gives {actual:R}");
        }
    }
}
