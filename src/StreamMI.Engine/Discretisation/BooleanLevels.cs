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
        // The length settles which one form the text can be, so each text costs at most one
        // case-blind comparison and nothing is copied.
        value = utf8.Length switch
        {
            1 => utf8[0] is (byte)'t' or (byte)'T' or (byte)'y' or (byte)'Y' or (byte)'1',
            3 => Ascii.EqualsIgnoreCase(utf8, "yes"u8),
            4 => Ascii.EqualsIgnoreCase(utf8, "true"u8),
            _ => false,
        };

        return value || utf8.Length switch
        {
            1 => utf8[0] is (byte)'f' or (byte)'F' or (byte)'n' or (byte)'N' or (byte)'0',
            2 => Ascii.EqualsIgnoreCase(utf8, "no"u8),
            5 => Ascii.EqualsIgnoreCase(utf8, "false"u8),
            _ => false,
        };
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
