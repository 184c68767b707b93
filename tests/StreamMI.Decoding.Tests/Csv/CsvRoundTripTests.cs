using System.Text;
using System.Text.RegularExpressions;
using StreamMI.Decoding.Csv;

namespace StreamMI.Decoding.Tests.Csv;

public sealed partial class CsvRoundTripTests
{
    private static readonly string[] Pieces =
        ["a", "b", "7", " ", ",", "\"", "\r", "\n", "\r\n", "é", "😀", ";", "x\"y"];

    private static readonly string[] LineEnds = ["\n", "\r\n", "\r"];

    [Fact]
    public void TryReadRow_RandomFilesWithRandomQuoting_ReturnTheOriginalFields()
    {
        var random = new Random(4180);
        for (int trial = 0; trial < 2000; trial++)
        {
            var file = GenerateFile(random);
            var options = new CsvReaderOptions
            {
                HasHeader = file.HasHeader,
                BufferBytes = random.Next(16, 64),
            };
            var stream = new ChunkedStream(file.Bytes, random.Next(1, 64), seed: trial);
            using var reader = new CsvReader(stream, options);

            var rows = CsvTestRows.ReadAll(reader);

            string context = $"trial {trial}: {Regex.Escape(file.Text)}";
            if (file.HasHeader)
            {
                Assert.True(file.Rows[0].Fields.SequenceEqual(reader.Header), context);
            }

            var expected = file.HasHeader ? file.Rows.Skip(1).ToList() : file.Rows;
            Assert.True(expected.Count == rows.Count, context);
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.True(DecodeError.None == rows[i].Error, context);
                Assert.True(expected[i].Fields.SequenceEqual(rows[i].Fields), context);
                Assert.True(expected[i].Quoted.SequenceEqual(rows[i].Quoted), context);
                Assert.True(expected[i].Line == rows[i].Line, context);
            }
        }
    }

    private static GeneratedFile GenerateFile(Random random)
    {
        int columns = random.Next(1, 5);
        int rowCount = random.Next(1, 12);
        var text = new StringBuilder();
        var rows = new List<GeneratedRow>();
        bool bom = random.Next(4) == 0;

        for (int r = 0; r < rowCount; r++)
        {
            while (random.Next(5) == 0)
            {
                text.Append(LineEnds[random.Next(LineEnds.Length)]);
            }

            // The expected line: one more than the line breaks before the row, counted by a
            // regular expression over the text rather than by the reader's own logic.
            long line = LineBreak().Count(text.ToString()) + 1;
            var fields = new string[columns];
            var quoted = new bool[columns];
            for (int c = 0; c < columns; c++)
            {
                fields[c] = RandomField(random);
                quoted[c] = MustQuote(fields[c], columns) || random.Next(3) == 0;
                text.Append(c == 0 ? "" : ",");
                text.Append(quoted[c] ? Quote(fields[c]) : fields[c]);
            }

            rows.Add(new GeneratedRow(fields, quoted, line));
            if (r < rowCount - 1 || random.Next(2) == 0)
            {
                text.Append(LineEnds[random.Next(LineEnds.Length)]);
            }
        }

        byte[] body = Encoding.UTF8.GetBytes(text.ToString());
        byte[] bytes = bom ? [0xEF, 0xBB, 0xBF, .. body] : body;
        bool header = random.Next(2) == 0;
        return new GeneratedFile(text.ToString(), bytes, rows, header);
    }

    private static string RandomField(Random random)
    {
        var field = new StringBuilder();
        int pieces = random.Next(0, 5);
        for (int i = 0; i < pieces; i++)
        {
            field.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return field.ToString();
    }

    // Quotes are needed for separators, quotes and line breaks, and for an empty value
    // that would otherwise be a whole empty line.
    private static bool MustQuote(string field, int columns) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length == 0 && columns == 1);

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    [GeneratedRegex("\r\n|\r|\n")]
    private static partial Regex LineBreak();

    private sealed record GeneratedRow(string[] Fields, bool[] Quoted, long Line);

    private sealed record GeneratedFile(
        string Text,
        byte[] Bytes,
        List<GeneratedRow> Rows,
        bool HasHeader);
}
