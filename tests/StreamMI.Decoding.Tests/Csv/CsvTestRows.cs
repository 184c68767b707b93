using System.Text;
using StreamMI.Decoding.Csv;

namespace StreamMI.Decoding.Tests.Csv;

/// <summary>A row copied out of the reader's buffer, so tests can look at it later.</summary>
internal sealed record CopiedRow(
    long Line,
    DecodeError Error,
    string[] Fields,
    bool[] Quoted);

internal static class CsvTestRows
{
    public static CsvReader Reader(string text, CsvReaderOptions? options = null) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), options);

    public static List<CopiedRow> ReadAll(CsvReader reader)
    {
        var rows = new List<CopiedRow>();
        while (reader.TryReadRow(out var row))
        {
            var fields = new string[row.FieldCount];
            var quoted = new bool[row.FieldCount];
            for (int i = 0; i < row.FieldCount; i++)
            {
                fields[i] = Encoding.UTF8.GetString(row.Field(i));
                quoted[i] = row.IsQuoted(i);
            }

            rows.Add(new CopiedRow(row.LineNumber, row.Error, fields, quoted));
        }

        return rows;
    }

    public static List<CopiedRow> ReadAll(string text, CsvReaderOptions? options = null)
    {
        using var reader = Reader(text, options);
        return ReadAll(reader);
    }
}
