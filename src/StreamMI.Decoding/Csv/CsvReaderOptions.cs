namespace StreamMI.Decoding.Csv;

/// <summary>How a <see cref="CsvReader"/> reads its stream.</summary>
public sealed class CsvReaderOptions
{
    /// <summary>One mebibyte.</summary>
    public const int DefaultMaxRowBytes = 1 << 20;

    /// <summary>64 KiB: large enough that reads from the stream are few.</summary>
    public const int DefaultBufferBytes = 1 << 16;

    /// <summary>The options used when none are given.</summary>
    public static CsvReaderOptions Default { get; } = new();

    /// <summary>The field separator; a comma unless changed. Must be an ASCII byte other
    /// than a quote, CR or LF.</summary>
    public byte Delimiter { get; init; } = (byte)',';

    /// <summary>Whether the first non-empty row names the columns. When false, every row is
    /// data and the first good row fixes the expected field count.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Longest accepted row in bytes, quotes and separators included and the line
    /// break excluded; a longer row is <see cref="DecodeError.Oversized"/>. It also bounds
    /// how far the read buffer may grow.</summary>
    public int MaxRowBytes { get; init; } = DefaultMaxRowBytes;

    /// <summary>The starting size of the read buffer; it grows only for rows longer than
    /// this, up to <see cref="MaxRowBytes"/>.</summary>
    public int BufferBytes { get; init; } = DefaultBufferBytes;

    internal void Validate()
    {
        if (Delimiter is (byte)'"' or (byte)'\r' or (byte)'\n' or >= 0x80)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Delimiter),
                Delimiter,
                "The delimiter must be ASCII and not a quote, CR or LF.");
        }

        if (MaxRowBytes < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxRowBytes), MaxRowBytes, "The maximum row size must be positive.");
        }

        if (BufferBytes < 16)
        {
            throw new ArgumentOutOfRangeException(
                nameof(BufferBytes),
                BufferBytes,
                "The buffer must hold at least 16 bytes.");
        }
    }
}
