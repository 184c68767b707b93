using System.Text;
using System.Text.RegularExpressions;
using StreamMI.Decoding.Csv;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests;

public sealed partial class DecodeErrorNamesTests
{
    [Fact]
    public void ToReasonName_EveryError_IsDistinctSnakeCaseAndParsesBack()
    {
        var all = Enum.GetValues<DecodeError>();

        var names = all.Select(e => e.ToReasonName()).ToArray();

        Assert.All(names, n => Assert.Matches(SnakeCase(), n));
        Assert.Equal(all.Length, names.Distinct().Count());
        foreach (var error in all)
        {
            Assert.True(DecodeErrorNames.TryParse(error.ToReasonName(), out var parsed));
            Assert.Equal(error, parsed);
        }
    }

    [Fact]
    public void ToReasonName_NamesFromTheOutputContract_AreSpelledAsPublished()
    {
        Assert.Equal("malformed_json", DecodeError.MalformedJson.ToReasonName());
        Assert.Equal("invalid_utf8", DecodeError.InvalidUtf8.ToReasonName());
        Assert.Equal("wrong_field_count", DecodeError.WrongFieldCount.ToReasonName());
    }

    [Fact]
    public void AllErrors_IsEveryMemberButNone()
    {
        var expected = Enum.GetValues<DecodeError>().Where(e => e != DecodeError.None);

        Assert.Equal(expected, DecodeErrorNames.AllErrors);
    }

    [Fact]
    public void TryParse_UnknownName_Fails()
    {
        Assert.False(DecodeErrorNames.TryParse("Malformed_Json", out _));
        Assert.False(DecodeErrorNames.TryParse(null, out _));
    }

    [Fact]
    public void AllErrors_EachIsProducedBySomeRealInput()
    {
        var produced = new HashSet<DecodeError>();
        var limits = new JsonDecoderLimits { MaxBytes = 40, MaxDepth = 3 };
        var json = new JsonEventDecoder(["a"], limits);
        string[] events =
        [
            """{"a": 1""", """[1]""", """{"a": [[[1]]]}""", """{"a": "\ud800"}""",
            """{"a": "a long string that passes forty bytes"}""",
        ];
        foreach (string e in events)
        {
            produced.Add(json.Decode(Encoding.UTF8.GetBytes(e), new RecordingSink()));
        }

        var options = new CsvReaderOptions { MaxRowBytes = 20 };
        string csv = "a,b\n1\n\"x\"y,2\n" + new string('z', 30) + ",1\n";
        using var reader = new CsvReader(
            new MemoryStream(Encoding.UTF8.GetBytes(csv)), options);
        while (reader.TryReadRow(out var row))
        {
            produced.Add(row.Error);
        }

        Assert.Equal(
            DecodeErrorNames.AllErrors.OrderBy(e => e),
            produced.OrderBy(e => e));
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
