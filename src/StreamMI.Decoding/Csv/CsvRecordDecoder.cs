using System.Text.Unicode;

namespace StreamMI.Decoding.Csv;

/// <summary>
/// Reports chosen columns of CSV rows to an <see cref="IFieldSink"/>, so that CSV and JSON
/// input feed the same sink: field <c>i</c> of the sink is column <c>ColumnIndexes[i]</c>.
/// </summary>
/// <remarks>
/// An empty field, quoted (<c>""</c>) or not, is reported as
/// <see cref="IFieldSink.OnNull"/>; any other field as <see cref="IFieldSink.OnText"/>,
/// never as a number or a boolean: CSV has no types, and the sink decides what the text
/// means.
/// </remarks>
public sealed class CsvRecordDecoder
{
    private readonly int[] _columns;

    private readonly int _widestColumn;

    /// <summary>Creates a decoder that reports column <c>columnIndexes[i]</c> as field
    /// <c>i</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative.</exception>
    public CsvRecordDecoder(IReadOnlyList<int> columnIndexes)
    {
        ArgumentNullException.ThrowIfNull(columnIndexes);
        _columns = [.. columnIndexes];
        _widestColumn = -1;
        foreach (int column in _columns)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(column, nameof(columnIndexes));
            _widestColumn = Math.Max(_widestColumn, column);
        }
    }

    /// <summary>The column read for each field.</summary>
    public IReadOnlyList<int> ColumnIndexes => _columns;

    /// <summary>Creates a decoder for the columns named <paramref name="columnNames"/>,
    /// looked up in <paramref name="header"/> (ordinal, first match when a name
    /// repeats).</summary>
    /// <exception cref="ArgumentException">A name is not in the header.</exception>
    public static CsvRecordDecoder ForColumns(
        IReadOnlyList<string> header,
        IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(columnNames);

        var indexes = new int[columnNames.Count];
        for (int i = 0; i < indexes.Length; i++)
        {
            indexes[i] = IndexOf(header, columnNames[i]);
            if (indexes[i] < 0)
            {
                throw new ArgumentException(
                    $"Column '{columnNames[i]}' is not in the header.",
                    nameof(columnNames));
            }
        }

        return new CsvRecordDecoder(indexes);
    }

    /// <summary>
    /// Reports the chosen columns of <paramref name="row"/>. A row that carries an error
    /// reports nothing and returns that error; a row too short for a chosen column returns
    /// <see cref="DecodeError.WrongFieldCount"/>, and one whose chosen columns are not
    /// valid UTF-8 returns <see cref="DecodeError.InvalidUtf8"/>, both before anything is
    /// reported.
    /// </summary>
    public DecodeError Decode(CsvRow row, IFieldSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);

        if (row.Error != DecodeError.None)
        {
            return row.Error;
        }

        if (_widestColumn >= row.FieldCount)
        {
            return DecodeError.WrongFieldCount;
        }

        // Only the chosen columns must be valid UTF-8; an all-ASCII row settles that at once.
        if (!row.IsAscii())
        {
            foreach (int column in _columns)
            {
                if (!Utf8.IsValid(row.Field(column)))
                {
                    return DecodeError.InvalidUtf8;
                }
            }
        }

        for (int field = 0; field < _columns.Length; field++)
        {
            var text = row.Field(_columns[field]);
            if (text.IsEmpty)
            {
                sink.OnNull(field);
            }
            else
            {
                sink.OnText(field, text);
            }
        }

        return DecodeError.None;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
