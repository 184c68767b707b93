using System.Text;
using StreamMI.Decoding.Csv;
using static StreamMI.Decoding.Tests.Csv.CsvTestRows;

namespace StreamMI.Decoding.Tests.Csv;

public sealed class CsvReaderTests
{
    private static readonly CsvReaderOptions TinyBuffer = new() { BufferBytes = 16 };

    [Fact]
    public void TryReadRow_SimpleFile_ReadsHeaderAndRows()
    {
        using var reader = Reader("a,b,c\n1,2,3\nx,,z\n");

        var rows = ReadAll(reader);

        Assert.Equal(["a", "b", "c"], reader.Header);
        Assert.Equal(3, reader.ExpectedFieldCount);
        Assert.Equal(2, rows.Count);
        Assert.Equal(["1", "2", "3"], rows[0].Fields);
        Assert.Equal(["x", "", "z"], rows[1].Fields);
        Assert.All(rows, r => Assert.Equal(DecodeError.None, r.Error));
        Assert.Equal([2L, 3L], rows.Select(r => r.Line));
    }

    [Fact]
    public void TryReadRow_QuotedFields_HoldDelimitersQuotesAndLineBreaks()
    {
        const string text =
            "name,comment\r\n"
            + "\"Smith, J\",\"said \"\"hi\"\"\"\r\n"
            + "\"two\r\nlines\",\"lf\nonly\"\r\n"
            + "plain,\"\"\r\n"
            + "after,row\r\n";

        var rows = ReadAll(text);

        Assert.Equal(4, rows.Count);
        Assert.Equal(["Smith, J", "said \"hi\""], rows[0].Fields);
        Assert.Equal(["two\r\nlines", "lf\nonly"], rows[1].Fields);
        Assert.Equal(["plain", ""], rows[2].Fields);
        Assert.Equal([false, true], rows[2].Quoted);
        Assert.Equal([true, true], rows[0].Quoted);

        // The quoted line breaks of row 2 push the rows after it down two lines.
        Assert.Equal([2L, 3L, 6L, 7L], rows.Select(r => r.Line));
    }

    [Fact]
    public void TryReadRow_CrLfAndLoneCr_EndRowsAndCountOneLineEach()
    {
        var rows = ReadAll("h1,h2\r\na,b\rc,d\ne,f\r\n");

        Assert.Equal([["a", "b"], ["c", "d"], ["e", "f"]], rows.Select(r => r.Fields));
        Assert.Equal([2L, 3L, 4L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Header_ByteOrderMark_IsNotPartOfTheFirstName()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "id,v\n1,2\n"u8];
        using var reader = new CsvReader(new MemoryStream(bytes));

        var rows = ReadAll(reader);

        Assert.Equal(["id", "v"], reader.Header);
        Assert.Equal(["1", "2"], Assert.Single(rows).Fields);
    }

    [Fact]
    public void Header_ByteOrderMarkSplitAcrossReads_IsStillSkipped()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "id,v\n1,2\n"u8];
        using var reader = new CsvReader(new ChunkedStream(bytes, maxChunk: 1, seed: 1));

        var rows = ReadAll(reader);

        Assert.Equal(["id", "v"], reader.Header);
        Assert.Single(rows);
    }

    [Theory]
    [InlineData("a,b\n1,2")]
    [InlineData("a,b\n1,\"2\"")]
    [InlineData("a,b\r\n1,2")]
    public void TryReadRow_LastRowWithoutLineBreak_IsRead(string text)
    {
        var rows = ReadAll(text);

        Assert.Equal(["1", "2"], Assert.Single(rows).Fields);
    }

    [Fact]
    public void TryReadRow_TrailingDelimiterAtEndOfFile_GivesAnEmptyLastField()
    {
        var rows = ReadAll("a,b\n1,");

        Assert.Equal(["1", ""], Assert.Single(rows).Fields);
    }

    [Fact]
    public void TryReadRow_EmptyLines_AreSkippedButCounted()
    {
        var rows = ReadAll("\n\r\na,b\n\n\n1,2\r\n\r\n3,4\n\n");

        Assert.Equal([["1", "2"], ["3", "4"]], rows.Select(r => r.Fields));
        Assert.Equal([6L, 8L], rows.Select(r => r.Line));
    }

    [Fact]
    public void TryReadRow_WrongFieldCount_IsReportedThenReadingGoesOn()
    {
        var rows = ReadAll("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n");

        Assert.Equal(
            [DecodeError.None, DecodeError.WrongFieldCount, DecodeError.WrongFieldCount,
                DecodeError.None],
            rows.Select(r => r.Error));
        Assert.Equal(["4", "5"], rows[1].Fields);
        Assert.Equal(["6", "7", "8", "9"], rows[2].Fields);
        Assert.Equal(["10", "11", "12"], rows[3].Fields);
        Assert.Equal(5L, rows[3].Line);
    }

    [Fact]
    public void TryReadRow_UnterminatedQuoteAtEndOfFile_IsMalformedAndLaterLinesRecover()
    {
        var rows = ReadAll("a,b\n1,\"open\n2,3\n4,5\n", TinyBuffer);

        Assert.Equal(3, rows.Count);
        Assert.Equal((2L, DecodeError.MalformedCsvRow), (rows[0].Line, rows[0].Error));
        Assert.Empty(rows[0].Fields);
        Assert.Equal((3L, DecodeError.None), (rows[1].Line, rows[1].Error));
        Assert.Equal(["2", "3"], rows[1].Fields);
        Assert.Equal(["4", "5"], rows[2].Fields);
    }

    [Fact]
    public void TryReadRow_TextAfterClosingQuote_IsMalformedAndTheNextLineRecovers()
    {
        var rows = ReadAll("a,b\n1,\"x\"y\n2,3\n");

        Assert.Equal(
            [(2L, DecodeError.MalformedCsvRow), (3L, DecodeError.None)],
            rows.Select(r => (r.Line, r.Error)));
        Assert.Equal(["2", "3"], rows[1].Fields);
    }

    [Fact]
    public void TryReadRow_StrayQuoteInALongFile_CostsOneOversizedRowNotTheRest()
    {
        // Without a bound the stray quote would swallow every row after it.
        var text = new StringBuilder("a,b\n1,\"stray\n");
        for (int i = 0; i < 200; i++)
        {
            text.Append(i).Append(",v").Append(i).Append('\n');
        }

        var options = new CsvReaderOptions { MaxRowBytes = 64, BufferBytes = 16 };
        using var reader = Reader(text.ToString(), options);

        var rows = ReadAll(reader);

        Assert.Equal((2L, DecodeError.Oversized), (rows[0].Line, rows[0].Error));
        Assert.Equal(200, rows.Count(r => r.Error == DecodeError.None));
        Assert.Equal(["199", "v199"], rows[^1].Fields);
        Assert.Equal(202L, rows[^1].Line);
        Assert.InRange(reader.BufferCapacity, 16, 65);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    public void TryReadRow_RowLongerThanTheLimit_IsOversizedAndSkipped(int bufferBytes)
    {
        string longRow = new string('x', 30) + "," + new string('y', 30);
        string text = "a,b\n1,2\n" + longRow + "\n3,4\n";
        var options = new CsvReaderOptions { MaxRowBytes = 20, BufferBytes = bufferBytes };

        var rows = ReadAll(text, options);

        Assert.Equal(
            [(2L, DecodeError.None), (3L, DecodeError.Oversized), (4L, DecodeError.None)],
            rows.Select(r => (r.Line, r.Error)));
        Assert.Equal(["3", "4"], rows[2].Fields);
    }

    [Fact]
    public void TryReadRow_RowOfExactlyMaxRowBytes_IsAccepted()
    {
        // "aaaa,bbbb" is 9 bytes; the limit excludes the line break.
        var options = new CsvReaderOptions { MaxRowBytes = 9, BufferBytes = 16 };

        var rows = ReadAll("h1,h2\naaaa,bbbb\naaaa,bbbbb\n", options);

        Assert.Equal(
            [DecodeError.None, DecodeError.Oversized],
            rows.Select(r => r.Error));
    }

    [Fact]
    public void TryReadRow_LongRows_GrowTheBufferOnlyAsFarAsNeeded()
    {
        string big = new string('z', 5000);
        var options = new CsvReaderOptions { BufferBytes = 16 };
        string shortRows = "a,b\n" + string.Concat(Enumerable.Repeat("1,2\n", 500));
        using var shortReader = Reader(shortRows, options);
        using var longReader = Reader("a,b\n1," + big + "\n3,4\n", options);

        var shortRead = ReadAll(shortReader);
        var longRows = ReadAll(longReader);

        Assert.Equal(500, shortRead.Count);
        Assert.Equal(16, shortReader.BufferCapacity);
        Assert.Equal(big, longRows[0].Fields[1]);
        Assert.InRange(longReader.BufferCapacity, 5002, 2 * 5002);
    }

    [Fact]
    public void TryReadRow_QuoteInsideUnquotedField_IsKeptAsText()
    {
        var rows = ReadAll("a,b\n5\"4,x\n");

        Assert.Equal(["5\"4", "x"], Assert.Single(rows).Fields);
    }

    [Fact]
    public void TryReadRow_NoHeader_FirstRowFixesTheFieldCount()
    {
        var options = new CsvReaderOptions { HasHeader = false };
        using var reader = Reader("1,2\n3,4,5\n6,7\n", options);

        var rows = ReadAll(reader);

        Assert.Empty(reader.Header);
        Assert.Equal(
            [DecodeError.None, DecodeError.WrongFieldCount, DecodeError.None],
            rows.Select(r => r.Error));
        Assert.Equal(1L, rows[0].Line);
    }

    [Theory]
    [InlineData((byte)';', "a;b\n\"x;y\";2\n")]
    [InlineData((byte)'\t', "a\tb\n\"x\ty\"\t2\n")]
    public void TryReadRow_OtherDelimiter_SplitsOnIt(byte delimiter, string text)
    {
        var rows = ReadAll(text, new CsvReaderOptions { Delimiter = delimiter });

        Assert.Equal([$"x{(char)delimiter}y", "2"], Assert.Single(rows).Fields);
    }

    [Fact]
    public void Header_MalformedHeaderRow_IsReportedAndTheFirstGoodRowSetsTheCount()
    {
        using var reader = Reader("\"a,b\"c\n1,2\n3,4,5\n");

        var rows = ReadAll(reader);

        Assert.Equal(DecodeError.MalformedCsvRow, reader.HeaderError);
        Assert.Empty(reader.Header);
        Assert.Equal(
            [DecodeError.None, DecodeError.WrongFieldCount],
            rows.Select(r => r.Error));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n")]
    [InlineData("\uFEFF")]
    public void TryReadRow_NoContent_HasNoHeaderAndNoRows(string text)
    {
        using var reader = Reader(text);

        Assert.False(reader.TryReadRow(out _));
        Assert.Empty(reader.Header);
        Assert.Equal(DecodeError.None, reader.HeaderError);
    }

    [Fact]
    public void TryReadRow_HeaderOnly_HasNoRows()
    {
        using var reader = Reader("a,b\n");

        Assert.False(reader.TryReadRow(out _));
        Assert.Equal(["a", "b"], reader.Header);
    }

    [Fact]
    public void Dispose_ByDefault_DisposesTheStreamUnlessLeftOpen()
    {
        var owned = new ChunkedStream([], 1, 1);
        var borrowed = new ChunkedStream([], 1, 1);

        new CsvReader(owned).Dispose();
        new CsvReader(borrowed, leaveOpen: true).Dispose();

        Assert.True(owned.WasDisposed);
        Assert.False(borrowed.WasDisposed);
    }

    [Fact]
    public void TryReadRow_ManyRowsAfterWarmUp_AllocatesNothing()
    {
        var text = new StringBuilder("id,name,comment,score\r\n");
        for (int i = 0; i < 20_000; i++)
        {
            text.Append(i).Append(",\"n, ").Append(i % 97).Append("\",\"say \"\"")
                .Append(i % 13).Append("\"\"\",").Append(i * 0.5).Append("\r\n");
            if (i % 1000 == 500)
            {
                text.Append("bad,row\r\n");
            }
        }

        var options = new CsvReaderOptions { BufferBytes = 4096 };
        using var reader = new CsvReader(
            new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), options);
        for (int i = 0; i < 100; i++)
        {
            reader.TryReadRow(out _);
        }

        long bytes = 0;
        int errors = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.TryReadRow(out var row))
        {
            errors += row.Error == DecodeError.None ? 0 : 1;
            for (int f = 0; f < row.FieldCount; f++)
            {
                bytes += row.Field(f).Length;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(20, errors);
        Assert.True(bytes > 0);
    }
}
