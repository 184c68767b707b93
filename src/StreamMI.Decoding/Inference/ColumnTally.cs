using System.Globalization;
using System.Text;

namespace StreamMI.Decoding.Inference;

/// <summary>What has been seen of one column's sampled values.</summary>
internal sealed class ColumnTally
{
    private const int ExampleMaxChars = 40;

    private readonly HashSet<double> _distinctNumbers = [];

    private readonly HashSet<string> _distinctTexts = new(StringComparer.Ordinal);

    public int Sampled { get; private set; }

    public int Missing { get; private set; }

    public int Booleans { get; private set; }

    public int Numbers { get; private set; }

    public int DistinctNumbers => _distinctNumbers.Count;

    public int DistinctTexts => _distinctTexts.Count;

    /// <summary>The first value seen that is neither missing nor numeric,
    /// shortened.</summary>
    public string? NonNumericExample { get; private set; }

    public void AddMissing()
    {
        Sampled++;
        Missing++;
    }

    public void AddBoolean(bool value)
    {
        Sampled++;
        Booleans++;
        NonNumericExample ??= value ? "true" : "false";
        AddDistinctText(value ? "true" : "false");
    }

    public void AddNumber(double value, ReadOnlySpan<byte> rawToken)
    {
        if (double.IsNaN(value))
        {
            AddMissing();
            return;
        }

        Sampled++;
        Numbers++;
        if (_distinctNumbers.Count < ColumnKindInference.MaxTrackedDistinct)
        {
            _distinctNumbers.Add(value);
        }

        if (_distinctTexts.Count < ColumnKindInference.MaxTrackedDistinct)
        {
            AddDistinctText(rawToken.IsEmpty
                ? value.ToString("R", CultureInfo.InvariantCulture)
                : Encoding.UTF8.GetString(rawToken));
        }
    }

    public void AddText(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            AddMissing();
            return;
        }

        if (IsBooleanWord(utf8))
        {
            AddBoolean(utf8.Length == 4);
            return;
        }

        if (double.TryParse(
                utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            AddNumber(number, utf8);
            return;
        }

        Sampled++;
        string text = Encoding.UTF8.GetString(utf8);
        NonNumericExample ??= text.Length <= ExampleMaxChars
            ? text
            : text[..ExampleMaxChars] + "...";
        AddDistinctText(text);
    }

    private void AddDistinctText(string text)
    {
        if (_distinctTexts.Count < ColumnKindInference.MaxTrackedDistinct)
        {
            _distinctTexts.Add(text);
        }
    }

    private static bool IsBooleanWord(ReadOnlySpan<byte> utf8) =>
        Ascii.EqualsIgnoreCase(utf8, "true"u8) || Ascii.EqualsIgnoreCase(utf8, "false"u8);
}
