namespace StreamMI.Decoding.Json;

/// <summary>
/// Splits a UTF-8 stream into lines (LF or CRLF) without allocating per line. A line is a view
/// into the reader's buffer, valid until the next read. Blank lines are skipped.
/// </summary>
public sealed class JsonLinesReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skippingOversized;

    /// <summary>Creates a reader; lines longer than <paramref name="maxLineBytes"/> are reported oversized.</summary>
    public JsonLinesReader(Stream stream, int maxLineBytes = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Reads the next non-blank line. <paramref name="oversized"/> is true (and the line empty)
    /// for a line longer than the limit, which is skipped to its end.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool oversized)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var raw = _buffer.AsSpan(_start, newline);
                _start += newline + 1;
                LineNumber++;
                if (_skippingOversized)
                {
                    _skippingOversized = false;
                    line = default;
                    oversized = true;
                    return true;
                }

                raw = raw.EndsWith((byte)'\r') ? raw[..^1] : raw;
                if (raw.Trim((byte)' ').IsEmpty)
                {
                    continue;
                }

                line = raw;
                oversized = false;
                return true;
            }

            if (_eof)
            {
                if (_start == _end && !_skippingOversized)
                {
                    line = default;
                    oversized = false;
                    return false;
                }

                // The last line has no newline: hand it out as it is.
                var rest = _buffer.AsSpan(_start, _end - _start);
                _start = _end;
                LineNumber++;
                oversized = _skippingOversized;
                _skippingOversized = false;
                line = oversized ? default : rest.TrimEnd((byte)'\r');
                if (!oversized && line.Trim((byte)' ').IsEmpty)
                {
                    continue;
                }

                return true;
            }

            Fill();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private void Fill()
    {
        if (_end - _start >= _maxLineBytes)
        {
            // The line is already too long: drop what is held and skip to its newline.
            _skippingOversized = true;
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _maxLineBytes + 1));
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
