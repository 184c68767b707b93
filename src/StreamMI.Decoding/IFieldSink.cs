namespace StreamMI.Decoding;

/// <summary>
/// Receives the values of the requested fields of one record, as a decoder finds them.
/// </summary>
/// <remarks>
/// <para>
/// <c>field</c> is the position of the field in the list the decoder was built with, so a
/// sink can keep its per-record state in plain arrays. Each requested field is reported at
/// most once per record; a field the record does not contain is simply not reported.
/// </para>
/// <para>
/// The spans are views into the decoder's input or into a scratch buffer the decoder
/// reuses: they are valid only for the duration of the call. Copy what must outlive it.
/// </para>
/// <para>
/// When a decoder returns an error other than <see cref="DecodeError.None"/>, the sink may
/// already have received some values of that record (the error can lie after them in the
/// input). A sink that must see whole records only should stage the values and commit them
/// when the decoder returns <see cref="DecodeError.None"/>.
/// </para>
/// </remarks>
public interface IFieldSink
{
    /// <summary>A string value: a JSON string (unescaped), CSV text, or the raw JSON text
    /// of a nested object or array.</summary>
    void OnText(int field, ReadOnlySpan<byte> utf8);

    /// <summary>A JSON number, as a double, with the number's token text as it appeared.
    /// A number beyond the range of double arrives as an infinity.</summary>
    void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken);

    /// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
    void OnBoolean(int field, bool value);

    /// <summary>A JSON <c>null</c>, or an empty CSV field.</summary>
    void OnNull(int field);
}
