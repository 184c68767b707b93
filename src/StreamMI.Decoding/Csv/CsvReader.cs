using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace StreamMI.Decoding.Csv;

/// <summary>
/// Reads RFC 4180 CSV from a stream of UTF-8 bytes, one row at a time, without allocating
/// per row once its buffers have grown to fit the widest and longest rows seen.
/// </summary>
/// <remarks>
/// <para>
/// Accepted: an optional UTF-8 byte order mark; rows ended by CRLF, LF or a lone CR; a last
/// row with no line break; fields enclosed in double quotes, inside which the delimiter,
/// CR, LF and doubled quotes (<c>""</c> for one quote) are plain text. Empty lines are
/// skipped, which means that in a file with a single column an empty value must be written
/// as <c>""</c>, or its row disappears. A quote in the middle of an unquoted field is kept
/// as text rather than rejected.
/// </para>
/// <para>
/// Bad rows do not stop the reader and nothing is thrown for bad data: a row whose field
/// count differs from the header's is returned with
/// <see cref="DecodeError.WrongFieldCount"/> (its fields still readable), and a row with an
/// unterminated quote or with text after a closing quote with
/// <see cref="DecodeError.MalformedCsvRow"/>. A row longer than
/// <see cref="CsvReaderOptions.MaxRowBytes"/> is returned with
/// <see cref="DecodeError.Oversized"/>, and only that many bytes of it are ever buffered.
/// </para>
/// <para>
/// After a malformed row, and after an oversized row whose end was not in sight, reading
/// resumes at the first line break after the start of the bad row, whether or not that
/// break lay inside quotes. This recovers the rows after a stray quote, which would
/// otherwise swallow the rest of the file; the price is that when a genuinely quoted
/// multi-line field is the cause, the remainder of that record is read as rows of its own
/// and is then usually reported as wrong field counts or malformed.
/// </para>
/// <para>
/// Reads are synchronous; exceptions of the stream itself (an I/O failure) propagate. An
/// instance is not safe for concurrent use.
/// </para>
/// </remarks>
public sealed class CsvReader : IDisposable
{
    private const byte Quote = (byte)'"';

    private const byte Cr = (byte)'\r';

    private const byte Lf = (byte)'\n';

    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);

    private readonly Stream _stream;

    private readonly bool _leaveOpen;

    private readonly CsvReaderOptions _options;

    private readonly byte _delimiter;

    // What ends an unquoted field: the delimiter or a line break.
    private readonly SearchValues<byte> _fieldStops;

    private byte[] _buffer;

    // _buffer[_rowStart.._dataEnd] holds the bytes read but not yet consumed.
    private int _rowStart;

    private int _dataEnd;

    private bool _endOfStream;

    private bool _byteOrderMarkChecked;

    private CsvFieldBounds[] _fields = new CsvFieldBounds[16];

    private int _fieldCount;

    // The 1-based line on which _rowStart lies.
    private long _line = 1;

    // The last line break consumed was a CR, so an LF right after it completes a CRLF.
    private bool _afterCr;

    // Set after a bad row: discard up to and including the next line break.
    private bool _skipToNextLine;

    private bool _headerRead;

    private string[] _header = [];

    private DecodeError _headerError;

    private int _expectedFieldCount = -1;

    private bool _disposed;

    /// <summary>Creates a reader over <paramref name="stream"/>, which it disposes unless
    /// <paramref name="leaveOpen"/> is true.</summary>
    public CsvReader(
        Stream stream,
        CsvReaderOptions? options = null,
        bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? CsvReaderOptions.Default;
        _options.Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        _delimiter = _options.Delimiter;
        _fieldStops = SearchValues.Create([_delimiter, Cr, Lf]);
        _buffer = new byte[_options.BufferBytes];
    }

    /// <summary>The column names from the header row, read on first use; empty when the
    /// options say there is no header, when the input is empty, or when the header row is
    /// itself bad (see <see cref="HeaderError"/>).</summary>
    public IReadOnlyList<string> Header
    {
        get
        {
            EnsureHeader();
            return _header;
        }
    }

    /// <summary>Why the header row could not be read, or <see cref="DecodeError.None"/>.
    /// When it is bad, the first good data row fixes the expected field count
    /// instead.</summary>
    public DecodeError HeaderError
    {
        get
        {
            EnsureHeader();
            return _headerError;
        }
    }

    /// <summary>The number of fields every row must have: the header's, or the first good
    /// row's when there is no header; -1 until known.</summary>
    public int ExpectedFieldCount
    {
        get
        {
            EnsureHeader();
            return _expectedFieldCount;
        }
    }

    /// <summary>The current size of the read buffer, for tests of its growth.</summary>
    internal int BufferCapacity => _buffer.Length;

    /// <summary>
    /// Reads the next data row. Returns false at the end of the stream. A returned row may
    /// carry an error (see <see cref="CsvRow.Error"/>); reading can go on after it.
    /// </summary>
    public bool TryReadRow(out CsvRow row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureHeader();

        if (!TryReadRawRow(out long line, out var error))
        {
            row = default;
            return false;
        }

        if (error == DecodeError.None)
        {
            if (_expectedFieldCount < 0)
            {
                _expectedFieldCount = _fieldCount;
            }
            else if (_fieldCount != _expectedFieldCount)
            {
                error = DecodeError.WrongFieldCount;
            }
        }

        row = new CsvRow(_buffer, _fields.AsSpan(0, _fieldCount), line, error);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void EnsureHeader()
    {
        if (_headerRead)
        {
            return;
        }

        _headerRead = true;
        if (!_options.HasHeader || !TryReadRawRow(out _, out var error))
        {
            return;
        }

        if (error != DecodeError.None)
        {
            _headerError = error;
            return;
        }

        _header = new string[_fieldCount];
        for (int i = 0; i < _fieldCount; i++)
        {
            var bounds = _fields[i];
            _header[i] = Encoding.UTF8.GetString(_buffer, bounds.Start, bounds.Length);
        }

        _expectedFieldCount = _fieldCount;
    }

    // Reads the next non-empty row into _fields, with no header or field-count rules.
    // Returns false at the end of the stream.
    private bool TryReadRawRow(out long lineNumber, out DecodeError error)
    {
        SkipByteOrderMark();

        while (true)
        {
            if (_skipToNextLine)
            {
                SkipRestOfLine();
            }

            if (_rowStart == _dataEnd && !Fill())
            {
                lineNumber = _line;
                error = DecodeError.None;
                _fieldCount = 0;
                return false;
            }

            // Empty lines: a CR counts a line; an LF does too unless it ends a CRLF.
            byte first = _buffer[_rowStart];
            if (first == Lf)
            {
                _rowStart++;
                _line += _afterCr ? 0 : 1;
                _afterCr = false;
                continue;
            }

            if (first == Cr)
            {
                _rowStart++;
                _line++;
                _afterCr = true;
                continue;
            }

            _afterCr = false;
            lineNumber = _line;

            var outcome = ParseRow(out var row);
            if (outcome == ParseOutcome.NeedMore)
            {
                if (_dataEnd - _rowStart > _options.MaxRowBytes)
                {
                    return Reject(DecodeError.Oversized, out error);
                }

                MakeRoom();
                Fill();
                continue;
            }

            if (outcome == ParseOutcome.Malformed)
            {
                return Reject(DecodeError.MalformedCsvRow, out error);
            }

            error = DecodeError.None;
            if (row.ContentEnd - _rowStart > _options.MaxRowBytes)
            {
                // The whole row is in sight, so skip exactly it rather than to the next
                // line.
                error = DecodeError.Oversized;
                _fieldCount = 0;
            }
            else
            {
                CollapseEscapedQuotes();
            }

            _rowStart = row.End;
            _line += row.LineBreaks;
            _afterCr = row.EndsWithCr;
            return true;
        }
    }

    private bool Reject(DecodeError reason, out DecodeError error)
    {
        error = reason;
        _fieldCount = 0;
        _skipToNextLine = true;
        return true;
    }

    private void SkipByteOrderMark()
    {
        if (_byteOrderMarkChecked)
        {
            return;
        }

        _byteOrderMarkChecked = true;
        while (_dataEnd - _rowStart < 3 && Fill())
        {
        }

        if (_buffer.AsSpan(_rowStart, _dataEnd - _rowStart).StartsWith("\uFEFF"u8))
        {
            _rowStart += 3;
        }
    }

    private void SkipRestOfLine()
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_rowStart, _dataEnd - _rowStart);
            int index = pending.IndexOfAny(LineBreaks);
            if (index >= 0)
            {
                _afterCr = pending[index] == Cr;
                _rowStart += index + 1;
                _line++;
                _skipToNextLine = false;
                return;
            }

            _rowStart = _dataEnd;
            if (!Fill())
            {
                _skipToNextLine = false;
                return;
            }
        }
    }

    // Reads more bytes after _dataEnd. False when the stream has no more.
    private bool Fill()
    {
        if (_endOfStream)
        {
            return false;
        }

        if (_rowStart == _dataEnd)
        {
            _rowStart = 0;
            _dataEnd = 0;
        }

        if (_dataEnd == _buffer.Length)
        {
            MakeRoom();
        }

        int read = _stream.Read(_buffer, _dataEnd, _buffer.Length - _dataEnd);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }

        _dataEnd += read;
        return true;
    }

    // Moves the unconsumed bytes to the front, and grows the buffer when they fill it.
    private void MakeRoom()
    {
        if (_rowStart > 0)
        {
            _buffer.AsSpan(_rowStart, _dataEnd - _rowStart).CopyTo(_buffer);
            _dataEnd -= _rowStart;
            _rowStart = 0;
        }

        if (_dataEnd == _buffer.Length)
        {
            // One byte beyond the limit is enough to see whether a row of exactly
            // MaxRowBytes ends there.
            long grown = Math.Min(_buffer.Length * 2L, _options.MaxRowBytes + 1L);
            Debug.Assert(grown > _buffer.Length, "an oversized row never grows the buffer");
            Array.Resize(ref _buffer, (int)grown);
        }
    }

    // Splits the row at _rowStart into fields, when all of it is in the buffer.
    private ParseOutcome ParseRow(out RowExtent row)
    {
        var data = _buffer.AsSpan(0, _dataEnd);
        int pos = _rowStart;
        int lineBreaks = 0;
        _fieldCount = 0;
        row = default;

        while (true)
        {
            if (pos < data.Length && data[pos] == Quote)
            {
                int contentStart = pos + 1;
                int quoteAt = contentStart;
                bool escaped = false;
                while (true)
                {
                    int found = data[quoteAt..].IndexOf(Quote);
                    if (found < 0)
                    {
                        return _endOfStream
                            ? ParseOutcome.Malformed
                            : ParseOutcome.NeedMore;
                    }

                    quoteAt += found;
                    if (quoteAt + 1 == data.Length && !_endOfStream)
                    {
                        // Whether this quote closes the field or starts a "" pair depends
                        // on the byte not yet read.
                        return ParseOutcome.NeedMore;
                    }

                    if (quoteAt + 1 < data.Length && data[quoteAt + 1] == Quote)
                    {
                        escaped = true;
                        quoteAt += 2;
                        continue;
                    }

                    break;
                }

                lineBreaks += CountLineBreaks(data[contentStart..quoteAt]);
                AddField(contentStart, quoteAt - contentStart, quoted: true, escaped);
                pos = quoteAt + 1;
                if (pos == data.Length)
                {
                    row = new RowExtent(pos, pos, lineBreaks, EndsWithCr: false);
                    return ParseOutcome.Complete;
                }

                if (data[pos] == _delimiter)
                {
                    pos++;
                    continue;
                }

                if (data[pos] is not (Cr or Lf))
                {
                    return ParseOutcome.Malformed;
                }
            }
            else
            {
                int stop = data[pos..].IndexOfAny(_fieldStops);
                if (stop < 0)
                {
                    if (!_endOfStream)
                    {
                        return ParseOutcome.NeedMore;
                    }

                    AddField(pos, data.Length - pos, quoted: false, escapedQuotes: false);
                    row = new RowExtent(
                        data.Length, data.Length, lineBreaks, EndsWithCr: false);
                    return ParseOutcome.Complete;
                }

                AddField(pos, stop, quoted: false, escapedQuotes: false);
                pos += stop;
                if (data[pos] == _delimiter)
                {
                    pos++;
                    continue;
                }
            }

            // pos stands on the CR or LF that ends the row.
            row = new RowExtent(pos, pos + 1, lineBreaks + 1, EndsWithCr: data[pos] == Cr);
            return ParseOutcome.Complete;
        }
    }

    private void AddField(int start, int length, bool quoted, bool escapedQuotes)
    {
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[_fieldCount++] = new CsvFieldBounds
        {
            Start = start,
            Length = length,
            Quoted = quoted,
            HasEscapedQuotes = escapedQuotes,
        };
    }

    // Turns each "" inside a quoted field into one quote, in place: the field only shrinks,
    // and the row's bytes are not read again.
    private void CollapseEscapedQuotes()
    {
        for (int i = 0; i < _fieldCount; i++)
        {
            ref var bounds = ref _fields[i];
            if (!bounds.HasEscapedQuotes)
            {
                continue;
            }

            var text = _buffer.AsSpan(bounds.Start, bounds.Length);
            int written = 0;
            for (int read = 0; read < text.Length; read++)
            {
                text[written++] = text[read];
                if (text[read] == Quote)
                {
                    // The scan guaranteed that quotes inside come in pairs.
                    read++;
                }
            }

            bounds.Length = written;
            bounds.HasEscapedQuotes = false;
        }
    }

    // Line breaks inside quoted text, counted as the row terminators are: LF, CRLF or CR.
    private static int CountLineBreaks(ReadOnlySpan<byte> text)
    {
        int count = text.Count(Lf);
        int cr = text.IndexOf(Cr);
        while (cr >= 0)
        {
            if (cr + 1 >= text.Length || text[cr + 1] != Lf)
            {
                count++;
            }

            text = text[(cr + 1)..];
            cr = text.IndexOf(Cr);
        }

        return count;
    }

    private enum ParseOutcome
    {
        Complete,
        NeedMore,
        Malformed,
    }

    // ContentEnd: where the row's text ends; End: past its line break.
    private readonly record struct RowExtent(
        int ContentEnd,
        int End,
        int LineBreaks,
        bool EndsWithCr);
}
