namespace StreamMI.Host.Scanning;

/// <summary>The formats <c>streammi scan</c> reads.</summary>
public enum InputFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,

    /// <summary>JSON Lines: one object per line.</summary>
    JsonLines,
}
