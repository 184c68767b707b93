namespace StreamMI.Decoding;

/// <summary>
/// Why a record could not be decoded. <see cref="DecodeErrorNames"/> gives each one the
/// stable snake_case name used in output and as a metric attribute.
/// </summary>
public enum DecodeError
{
    /// <summary>The record was decoded.</summary>
    None,

    /// <summary>The bytes are not one well-formed JSON value (truncated, bad token,
    /// trailing content after the value).</summary>
    MalformedJson,

    /// <summary>The bytes are not valid UTF-8, or a JSON escape names a lone
    /// surrogate.</summary>
    InvalidUtf8,

    /// <summary>Well-formed JSON whose top-level value is not an object.</summary>
    NotAnObject,

    /// <summary>Objects and arrays nest deeper than the configured maximum depth.</summary>
    TooDeep,

    /// <summary>The record is longer than the configured maximum size.</summary>
    Oversized,

    /// <summary>A CSV row that breaks RFC 4180: an unterminated quote, or text after a
    /// closing quote.</summary>
    MalformedCsvRow,

    /// <summary>A CSV row with a different number of fields than the header.</summary>
    WrongFieldCount,
}
