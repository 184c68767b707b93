namespace StreamMI.Host.Scanning;

/// <summary>
/// Lines of a JSON Lines input copied out of the reader's buffer, for a worker to decode and
/// count: one byte array holds them all, with each line's start and length.
/// </summary>
internal sealed class LineBatch : IScanBatch
{
    /// <summary>Bytes of lines a batch holds before it is handed over; a longer line gets a batch to itself.</summary>
    public const int TargetBytes = 256 * 1024;

    private const int MaxLines = 4096;

    private readonly int[] _starts = new int[MaxLines];
    private readonly int[] _lengths = new int[MaxLines];
    private byte[] _bytes = new byte[TargetBytes];
    private int _used;

    /// <summary>Lines held.</summary>
    public int Count { get; private set; }

    /// <summary>True when the next line of <paramref name="length"/> bytes should go to a new batch.</summary>
    public bool IsFullFor(int length) =>
        Count == MaxLines || (Count > 0 && _used + length > TargetBytes);

    /// <summary>Copies a line in; an oversized line is held as a marker with no bytes.</summary>
    public void Add(ReadOnlySpan<byte> line, bool oversized)
    {
        if (_used + line.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, _used + line.Length);
        }

        line.CopyTo(_bytes.AsSpan(_used));
        _starts[Count] = _used;
        _lengths[Count] = oversized ? -1 : line.Length;
        _used += line.Length;
        Count++;
    }

    /// <summary>Line <paramref name="index"/>, or false for an oversized line.</summary>
    public bool TryGetLine(int index, out ReadOnlySpan<byte> line)
    {
        var length = _lengths[index];
        line = length < 0 ? default : _bytes.AsSpan(_starts[index], length);
        return length >= 0;
    }

    /// <inheritdoc />
    public void Clear()
    {
        Count = 0;
        _used = 0;
    }
}
