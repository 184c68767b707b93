namespace StreamMI.Decoding.Json;

/// <summary>
/// Bounds on one JSON event, so that a hostile or broken producer costs a bounded amount of
/// work per event instead of memory or a stack overflow.
/// </summary>
public sealed class JsonDecoderLimits
{
    /// <summary>One mebibyte: far above ordinary events, small enough to bound the
    /// work.</summary>
    public const int DefaultMaxBytes = 1 << 20;

    /// <summary>The same default as System.Text.Json.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The limits used when none are given.</summary>
    public static JsonDecoderLimits Default { get; } = new();

    /// <summary>Longest accepted event in bytes; a longer one is
    /// <see cref="DecodeError.Oversized"/>. At least 2.</summary>
    public int MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Deepest accepted nesting of objects and arrays, the top-level object
    /// counting as depth 1; deeper is <see cref="DecodeError.TooDeep"/>. Between 1 and
    /// 1000.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    internal void Validate()
    {
        if (MaxBytes < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxBytes), MaxBytes, "The smallest JSON object, {}, takes 2 bytes.");
        }

        if (MaxDepth is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDepth),
                MaxDepth,
                "The maximum depth must lie between 1 and 1000.");
        }
    }
}
