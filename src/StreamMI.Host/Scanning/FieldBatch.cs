using StreamMI.Decoding;

namespace StreamMI.Host.Scanning;

/// <summary>
/// Rows of a CSV input, already split into fields by the reading thread, as the values a
/// <see cref="Decoding.Csv.CsvRecordDecoder"/> reported for them: a worker replays the values
/// into its own record and counts it.
/// </summary>
/// <remarks>
/// A CSV row can span lines (a quoted field may hold newlines), so only a thread that parses the
/// input from its start can tell where rows begin; the reading thread does that parse, and the
/// workers the rest. This is an <see cref="IFieldSink"/>: the reading thread decodes a row into
/// the batch, then calls <see cref="EndRow"/>.
/// </remarks>
internal sealed class FieldBatch : IScanBatch, IFieldSink
{
    /// <summary>Value bytes a batch holds before it is handed over.</summary>
    public const int TargetBytes = 256 * 1024;

    private const int MaxRows = 4096;

    private readonly DecodeError[] _errors = new DecodeError[MaxRows];
    private readonly int[] _firstValue = new int[MaxRows + 1];
    private int[] _fields = new int[MaxRows * 4];
    private int[] _starts = new int[MaxRows * 4];
    private int[] _lengths = new int[MaxRows * 4];
    private byte[] _bytes = new byte[TargetBytes];
    private int _used;
    private int _values;

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>True when the batch should be handed over before another row.</summary>
    public bool IsFull => Count == MaxRows || _used >= TargetBytes;

    /// <summary>Ends the row whose values were just reported, with the decoder's result.</summary>
    public void EndRow(DecodeError error)
    {
        _errors[Count] = error;
        if (error != DecodeError.None)
        {
            // The decoder may have reported values before it found the error; drop them.
            _values = _firstValue[Count];
        }

        Count++;
        _firstValue[Count] = _values;
    }

    /// <summary>Replays row <paramref name="index"/> into <paramref name="sink"/>, or returns its error.</summary>
    public DecodeError Replay(int index, IFieldSink sink)
    {
        if (_errors[index] != DecodeError.None)
        {
            return _errors[index];
        }

        for (var v = _firstValue[index]; v < _firstValue[index + 1]; v++)
        {
            if (_lengths[v] < 0)
            {
                sink.OnNull(_fields[v]);
            }
            else
            {
                sink.OnText(_fields[v], _bytes.AsSpan(_starts[v], _lengths[v]));
            }
        }

        return DecodeError.None;
    }

    /// <inheritdoc />
    public void OnText(int field, ReadOnlySpan<byte> utf8)
    {
        if (_used + utf8.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + utf8.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(_used));
        AddValue(field, _used, utf8.Length);
        _used += utf8.Length;
    }

    /// <inheritdoc />
    public void OnNull(int field) => AddValue(field, 0, -1);

    // The CSV decoder reports text and nulls only; were it to report a number or a boolean, its
    // text would be replayed, which a record reads the same way.

    /// <inheritdoc />
    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken) => OnText(field, rawToken);

    /// <inheritdoc />
    public void OnBoolean(int field, bool value) => OnText(field, value ? "true"u8 : "false"u8);

    /// <inheritdoc />
    public void Clear()
    {
        Count = 0;
        _used = 0;
        _values = 0;
        _firstValue[0] = 0;
    }

    private void AddValue(int field, int start, int length)
    {
        if (_values == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
            Array.Resize(ref _starts, _starts.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
        }

        _fields[_values] = field;
        _starts[_values] = start;
        _lengths[_values] = length;
        _values++;
    }
}
