using System.Text;

namespace StreamMI.Decoding.Csv;

/// <summary>
/// One row from a <see cref="CsvReader"/>: views into the reader's buffer, valid only until
/// the next call to <see cref="CsvReader.TryReadRow"/>.
/// </summary>
public readonly ref struct CsvRow
{
    private readonly ReadOnlySpan<byte> _buffer;

    private readonly ReadOnlySpan<CsvFieldBounds> _fields;

    internal CsvRow(
        ReadOnlySpan<byte> buffer,
        ReadOnlySpan<CsvFieldBounds> fields,
        long lineNumber,
        DecodeError error)
    {
        _buffer = buffer;
        _fields = fields;
        LineNumber = lineNumber;
        Error = error;
    }

    /// <summary>The 1-based line of the input on which the row starts.</summary>
    public long LineNumber { get; }

    /// <summary><see cref="DecodeError.None"/> for a good row. For
    /// <see cref="DecodeError.WrongFieldCount"/> the fields are still readable; for
    /// <see cref="DecodeError.MalformedCsvRow"/> and <see cref="DecodeError.Oversized"/>
    /// the row has no fields.</summary>
    public DecodeError Error { get; }

    /// <summary>The number of fields in the row.</summary>
    public int FieldCount => _fields.Length;

    /// <summary>The UTF-8 bytes of field <paramref name="index"/>, without its enclosing
    /// quotes and with each doubled quote inside collapsed to one.</summary>
    public ReadOnlySpan<byte> Field(int index)
    {
        ref readonly var bounds = ref _fields[index];
        return _buffer.Slice(bounds.Start, bounds.Length);
    }

    /// <summary>Whether field <paramref name="index"/> was enclosed in quotes.</summary>
    public bool IsQuoted(int index) => _fields[index].Quoted;

    // Whether every byte from the first field to the end of the last is ASCII. The reader keeps
    // a row's fields in order inside one stretch of its buffer, so when this holds every field
    // is ASCII too, and one vectorised pass spares a check per field.
    internal bool IsAscii()
    {
        if (_fields.IsEmpty)
        {
            return true;
        }

        ref readonly var last = ref _fields[^1];
        int start = _fields[0].Start;
        return Ascii.IsValid(_buffer[start..(last.Start + last.Length)]);
    }
}
