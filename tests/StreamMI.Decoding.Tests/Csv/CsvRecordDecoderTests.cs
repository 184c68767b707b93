using System.Text;
using StreamMI.Decoding.Csv;

namespace StreamMI.Decoding.Tests.Csv;

public sealed class CsvRecordDecoderTests
{
    private static List<(DecodeError Error, RecordingSink Sink)> DecodeAll(
        string text,
        string[] columns)
    {
        using var reader = CsvTestRows.Reader(text);
        var decoder = CsvRecordDecoder.ForColumns(reader.Header, columns);
        var results = new List<(DecodeError, RecordingSink)>();
        while (reader.TryReadRow(out var row))
        {
            var sink = new RecordingSink();
            results.Add((decoder.Decode(row, sink), sink));
        }

        return results;
    }

    [Fact]
    public void Decode_ChosenColumns_AreReportedAsTextInTheChosenOrder()
    {
        var results = DecodeAll(
            "id,country,amount\n1,NL,12.5\n2,\"F,R\",3\n", ["amount", "country"]);

        Assert.Equal(2, results.Count);
        Assert.Equal("12.5", results[0].Sink.Single(0).Text);
        Assert.Equal("NL", results[0].Sink.Single(1).Text);
        Assert.Equal("F,R", results[1].Sink.Single(1).Text);
        Assert.All(results, r => Assert.Equal(2, r.Sink.Values.Count));
    }

    [Fact]
    public void Decode_EmptyFieldQuotedOrNot_IsNull()
    {
        var results = DecodeAll("a,b,c\n,\"\",x\n", ["a", "b", "c"]);

        var sink = Assert.Single(results).Sink;
        Assert.Equal("null", sink.Single(0).Kind);
        Assert.Equal("null", sink.Single(1).Kind);
        Assert.Equal("text", sink.Single(2).Kind);
    }

    [Fact]
    public void Decode_RowWithError_ReportsNothingAndReturnsTheRowsError()
    {
        var results = DecodeAll("a,b\n1\n\"x\"y,2\n3,4\n", ["b"]);

        Assert.Equal(
            [DecodeError.WrongFieldCount, DecodeError.MalformedCsvRow, DecodeError.None],
            results.Select(r => r.Error));
        Assert.Empty(results[0].Sink.Values);
        Assert.Empty(results[1].Sink.Values);
        Assert.Equal("4", results[2].Sink.Single(0).Text);
    }

    [Fact]
    public void Decode_InvalidUtf8InAChosenColumn_IsInvalidUtf8BeforeAnyReport()
    {
        byte[] bytes = [.. "a,b\nok,"u8, 0xC3, 0x28, .. "\n"u8];
        using var reader = new CsvReader(new MemoryStream(bytes));
        var chosenB = new CsvRecordDecoder([0, 1]);
        var onlyA = new CsvRecordDecoder([0]);
        Assert.True(reader.TryReadRow(out var row));
        var sinkB = new RecordingSink();
        var sinkA = new RecordingSink();

        var errorB = chosenB.Decode(row, sinkB);
        var errorA = onlyA.Decode(row, sinkA);

        Assert.Equal(DecodeError.InvalidUtf8, errorB);
        Assert.Empty(sinkB.Values);
        Assert.Equal(DecodeError.None, errorA);
        Assert.Equal("ok", sinkA.Single(0).Text);
    }

    [Fact]
    public void Decode_NonAsciiRow_ChecksOnlyTheChosenColumns()
    {
        // The row is not all ASCII, so each chosen column is checked on its own: valid UTF-8
        // beyond ASCII passes, and a broken sequence between two chosen columns is ignored.
        byte[] bytes = [.. "a,b,c\n\"o\"\"k\","u8, 0xC3, 0x28, .. ",caf\u00e9\n"u8];
        using var reader = new CsvReader(new MemoryStream(bytes));
        var decoder = new CsvRecordDecoder([0, 2]);
        var middle = new CsvRecordDecoder([1]);
        Assert.True(reader.TryReadRow(out var row));
        var sink = new RecordingSink();

        var error = decoder.Decode(row, sink);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("o\"k", sink.Single(0).Text);
        Assert.Equal("caf\u00e9", sink.Single(1).Text);
        Assert.Equal(DecodeError.InvalidUtf8, middle.Decode(row, new RecordingSink()));
    }

    [Fact]
    public void Decode_ColumnBeyondTheRow_IsWrongFieldCount()
    {
        var options = new CsvReaderOptions { HasHeader = false };
        using var reader = new CsvReader(new MemoryStream("1,2\n"u8.ToArray()), options);
        var decoder = new CsvRecordDecoder([2]);
        Assert.True(reader.TryReadRow(out var row));

        Assert.Equal(DecodeError.WrongFieldCount, decoder.Decode(row, new RecordingSink()));
    }

    [Fact]
    public void ForColumns_NameNotInHeader_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => CsvRecordDecoder.ForColumns(["a", "b"], ["a", "c"]));
    }

    [Fact]
    public void ForColumns_RepeatedHeaderName_TakesTheFirst()
    {
        var decoder = CsvRecordDecoder.ForColumns(["x", "a", "a"], ["a"]);

        Assert.Equal([1], decoder.ColumnIndexes);
    }

    [Fact]
    public void Decode_CsvAndJsonOfTheSameRecord_ReachTheSinkAlike()
    {
        // One sink for both formats: the text values agree field for field.
        using var reader = CsvTestRows.Reader("country,city\nNL,Delft\n");
        var csv = CsvRecordDecoder.ForColumns(reader.Header, ["city", "country"]);
        var json = new Decoding.Json.JsonEventDecoder(["city", "country"]);
        var fromCsv = new RecordingSink();
        var fromJson = new RecordingSink();
        Assert.True(reader.TryReadRow(out var row));

        csv.Decode(row, fromCsv);
        json.Decode(Encoding.UTF8.GetBytes("""{"country":"NL","city":"Delft"}"""), fromJson);

        Assert.Equal(
            fromJson.Values.OrderBy(v => v.Field),
            fromCsv.Values.OrderBy(v => v.Field));
    }
}
