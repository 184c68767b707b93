using System.Text;

namespace StreamMI.Engine.Discretisation;

/// <summary>The levels of a boolean variable and the text forms accepted for it.</summary>
public static class BooleanLevels
{
    /// <summary>Level of false.</summary>
    public const int False = 1;

    /// <summary>Level of true.</summary>
    public const int True = 2;

    /// <summary>Level numbers in use: missing, false, true.</summary>
    public const int Capacity = 3;

    /// <summary>The level of a boolean.</summary>
    public static int Encode(bool value) => value ? True : False;

    /// <summary>
    /// Reads true/false, yes/no, t/f, y/n and 1/0 in any case. Returns false for any other text.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out bool value)
    {
        Span<byte> lower = stackalloc byte[5];
        value = false;
        if (utf8.Length is 0 or > 5 || Ascii.ToLower(utf8, lower, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        lower = lower[..written];
        if (lower.SequenceEqual("true"u8) || lower.SequenceEqual("yes"u8) || lower.SequenceEqual("t"u8)
            || lower.SequenceEqual("y"u8) || lower.SequenceEqual("1"u8))
        {
            value = true;
            return true;
        }

        return lower.SequenceEqual("false"u8) || lower.SequenceEqual("no"u8) || lower.SequenceEqual("f"u8)
            || lower.SequenceEqual("n"u8) || lower.SequenceEqual("0"u8);
    }

    /// <summary>The name of a level.</summary>
    public static string Name(int level) => level switch
    {
        False => "false",
        True => "true",
        _ => Levels.MissingName,
    };

    internal static ReadOnlySpan<byte> Text(bool value) => value ? "true"u8 : "false"u8;

}
