using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Json;

public sealed class JsonEventDecoderTests
{
    private static (DecodeError Error, RecordingSink Sink) Decode(
        string json,
        string[] paths,
        JsonDecoderLimits? limits = null) =>
        Decode(Encoding.UTF8.GetBytes(json), paths, limits);

    private static (DecodeError Error, RecordingSink Sink) Decode(
        byte[] json,
        string[] paths,
        JsonDecoderLimits? limits = null)
    {
        var decoder = new JsonEventDecoder(paths, limits);
        var sink = new RecordingSink();
        var error = decoder.Decode(json, sink);
        return (error, sink);
    }

    [Fact]
    public void Decode_NestedPaths_ReportsEachByItsIndex()
    {
        const string json = """
            {"amount": 12.5, "user": {"country": "NL", "age": 31, "vip": true}, "note": null}
            """;

        var (error, sink) = Decode(
            json, ["user.country", "amount", "user.vip", "note", "user.age"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("NL", sink.Single(0).Text);
        Assert.Equal(12.5, sink.Single(1).Number);
        Assert.Equal("12.5", sink.Single(1).RawToken);
        Assert.True(sink.Single(2).Boolean);
        Assert.Equal("null", sink.Single(3).Kind);
        Assert.Equal(31, sink.Single(4).Number);
        Assert.Equal(5, sink.Values.Count);
    }

    [Fact]
    public void Decode_MissingFields_AreNotReported()
    {
        var (error, sink) = Decode(
            """{"a": 1, "user": {"city": "Delft"}}""", ["b", "user.country", "a.b", "a"]);

        Assert.Equal(DecodeError.None, error);
        var only = Assert.Single(sink.Values);
        Assert.Equal(3, only.Field);
    }

    [Fact]
    public void Decode_PathThroughScalar_IsMissingNotAnError()
    {
        var (error, sink) = Decode("""{"user": "bob"}""", ["user.country"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Empty(sink.Values);
    }

    [Fact]
    public void Decode_EscapedString_ReportsUnescapedUtf8()
    {
        // a " b \ c é, newline, tab, and a surrogate pair for U+1F600.
        const string json = """{"s": "a\"b\\c\u00e9\n\t\ud83d\ude00"}""";
        string expected = "a\"b\\c\u00e9\n\t\U0001F600";

        var (error, sink) = Decode(json, ["s"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(expected, sink.Single(0).Text);
    }

    [Fact]
    public void Decode_EscapedPropertyName_MatchesThePlainPath()
    {
        var (error, sink) = Decode(
            """{"us\u0065r": {"c\u006Funtry": "FR"}}""", ["user.country"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("FR", sink.Single(0).Text);
    }

    [Fact]
    public void Decode_UnescapedNonAsciiValue_IsPassedThroughAsIs()
    {
        var (error, sink) = Decode("""{"city": "Zürich 東京"}""", ["city"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("Zürich 東京", sink.Single(0).Text);
    }

    [Fact]
    public void Decode_DuplicateKeys_FirstOccurrenceWinsAndIsReportedOnce()
    {
        var (error, sink) = Decode("""{"a": 1, "b": "x", "a": 2, "a": "three"}""", ["a"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(1, sink.Single(0).Number);
    }

    [Fact]
    public void Decode_DuplicateParentObjects_EachFieldTakesItsFirstOccurrence()
    {
        const string json = """
            {"u": {"a": 1}, "u": {"a": 2, "b": 3}}
            """;

        var (error, sink) = Decode(json, ["u.a", "u.b"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(1, sink.Single(0).Number);
        Assert.Equal(3, sink.Single(1).Number);
    }

    [Fact]
    public void Decode_ObjectOrArrayValue_ReportsItsRawText()
    {
        const string obj = """{ "k" : [1, {"x": "\u0041"}] }""";
        const string arr = """[ 1, "two", {"three": 3} ]""";
        string json = "{\"o\": " + obj + ", \"a\": " + arr + ", \"e\": {}}";

        var (error, sink) = Decode(json, ["o", "a", "e"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(obj, sink.Single(0).Text);
        Assert.Equal(arr, sink.Single(1).Text);
        Assert.Equal("{}", sink.Single(2).Text);
    }

    [Fact]
    public void Decode_PathRequestedWithPathsBelowIt_ReportsBoth()
    {
        const string user = """{"country": "NL", "age": 3}""";

        var (error, sink) = Decode("{\"user\": " + user + "}", ["user", "user.country"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(user, sink.Single(0).Text);
        Assert.Equal("NL", sink.Single(1).Text);
    }

    [Fact]
    public void Decode_ArrayElements_AreNotAddressable()
    {
        var (error, sink) = Decode("""{"items": [{"id": 1}, {"id": 2}]}""", ["items.id"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Empty(sink.Values);
    }

    [Fact]
    public void Decode_KeyContainingDot_IsNotMatchedByThatPath()
    {
        var (error, sink) = Decode("""{"a.b": 1, "a": {"b": 2}}""", ["a.b"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(2, sink.Single(0).Number);
    }

    [Theory]
    [InlineData("1e400", double.PositiveInfinity)]
    [InlineData("-1e400", double.NegativeInfinity)]
    [InlineData("1e-400", 0.0)]
    [InlineData("-0", -0.0)]
    public void Decode_NumberOutOfDoubleRange_ReportsTheLimitAndKeepsTheRawToken(
        string token,
        double expected)
    {
        var (error, sink) = Decode("{\"n\": " + token + "}", ["n"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(expected, sink.Single(0).Number);
        Assert.Equal(token, sink.Single(0).RawToken);
    }

    [Theory]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.1000000000000000055511151231257827")]
    [InlineData("-9007199254740993")]
    [InlineData("2.5E+3")]
    public void Decode_LongNumber_MatchesTheInvariantParseOfItsToken(string token)
    {
        double expected = double.Parse(token, CultureInfo.InvariantCulture);

        var (error, sink) = Decode("{\"n\": " + token + "}", ["n"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(expected, sink.Single(0).Number);
        Assert.Equal(token, sink.Single(0).RawToken);
    }

    [Fact]
    public void Decode_NaNAsAString_IsText()
    {
        var (error, sink) = Decode("""{"x": "NaN", "y": "Infinity"}""", ["x", "y"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(("text", "NaN"), (sink.Single(0).Kind, sink.Single(0).Text));
        Assert.Equal(("text", "Infinity"), (sink.Single(1).Kind, sink.Single(1).Text));
    }

    [Theory]
    [InlineData("""{"x": NaN}""")]
    [InlineData("""{"x": Infinity}""")]
    [InlineData("""{"x": -Infinity}""")]
    public void Decode_BareNaNOrInfinity_IsMalformedJson(string json)
    {
        var (error, _) = Decode(json, ["x"]);

        Assert.Equal(DecodeError.MalformedJson, error);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData(" true ")]
    public void Decode_TopLevelNonObject_IsNotAnObject(string json)
    {
        var (error, sink) = Decode(json, ["a"]);

        Assert.Equal(DecodeError.NotAnObject, error);
        Assert.Empty(sink.Values);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\": 1} {\"a\": 2}")]
    [InlineData("{\"a\": 1} x")]
    [InlineData("{a: 1}")]
    [InlineData("{'a': 1}")]
    [InlineData("{\"a\": 1 /* c */}")]
    [InlineData("{\"a\": 01}")]
    [InlineData("{\"a\": [1, 2}")]
    [InlineData("[1, 2")]
    [InlineData("{\"a\": \"tab\there\"}")]
    public void Decode_MalformedInput_IsMalformedJson(string json)
    {
        var (error, _) = Decode(json, ["a"]);

        Assert.Equal(DecodeError.MalformedJson, error);
    }

    [Fact]
    public void Decode_EveryTruncationOfAnEvent_IsMalformedJson()
    {
        // Every proper prefix of an object that ends at its closing brace is incomplete JSON,
        // whichever token the cut falls in.
        byte[] json = Encoding.UTF8.GetBytes(
            """{"a": -12.5e3, "s": "x\"y\u00e9", "o": {"b": [true, null]}, "z": "é"}""");
        var decoder = new JsonEventDecoder(["a", "s", "o.b", "z"]);

        for (int length = 0; length < json.Length; length++)
        {
            var error = decoder.Decode(json.AsSpan(0, length), new RecordingSink());

            // A cut inside the two-byte é leaves a lone lead byte: bad UTF-8 is found first.
            var expected = length == json.Length - 3
                ? DecodeError.InvalidUtf8
                : DecodeError.MalformedJson;
            Assert.True(expected == error, $"prefix of {length} bytes gave {error}");
        }

        Assert.Equal(DecodeError.None, decoder.Decode(json, new RecordingSink()));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public void Decode_InvalidUtf8InsideAString_IsInvalidUtf8(byte[] bad)
    {
        byte[] json = [.. "{\"skipped\": \""u8, .. bad, .. "\", \"a\": 1}"u8];

        var (error, sink) = Decode(json, ["a"]);

        Assert.Equal(DecodeError.InvalidUtf8, error);
        Assert.Empty(sink.Values);
    }

    [Fact]
    public void Decode_LoneSurrogateEscapeInRequestedString_IsInvalidUtf8()
    {
        var (error, _) = Decode("""{"a": "x\ud800y"}""", ["a"]);

        Assert.Equal(DecodeError.InvalidUtf8, error);
    }

    [Fact]
    public void Decode_LoneSurrogateEscapeInSkippedString_IsPassedOver()
    {
        // Documented: skipped text is never unescaped, so its escapes are not judged.
        var (error, sink) = Decode("""{"other": "x\ud800y", "a": 2}""", ["a"]);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(2, sink.Single(0).Number);
    }

    [Theory]
    [InlineData(3, """{"a": {"b": {}}}""", DecodeError.None)]
    [InlineData(3, """{"a": {"b": {"c": {}}}}""", DecodeError.TooDeep)]
    [InlineData(3, """{"x": [[1]]}""", DecodeError.None)]
    [InlineData(3, """{"x": [[[1]]]}""", DecodeError.TooDeep)]
    [InlineData(1, """{"x": 1}""", DecodeError.None)]
    [InlineData(1, """{"x": []}""", DecodeError.TooDeep)]
    [InlineData(2, """[[1]]""", DecodeError.NotAnObject)]
    [InlineData(2, """[[[1]]]""", DecodeError.TooDeep)]
    public void Decode_NestingAroundTheLimit_IsTooDeepExactlyBeyondIt(
        int maxDepth,
        string json,
        DecodeError expected)
    {
        var limits = new JsonDecoderLimits { MaxDepth = maxDepth };

        var (skipped, _) = Decode(json, ["unrelated"], limits);
        var (walked, _) = Decode(json, ["a.b.c.d", "x"], limits);

        Assert.Equal(expected, skipped);
        Assert.Equal(expected, walked);
    }

    [Fact]
    public void Decode_TenThousandNestedArrays_IsTooDeepWithoutOverflowingTheStack()
    {
        string json = "{\"x\": " + new string('[', 10_000) + new string(']', 10_000) + "}";

        var (error, _) = Decode(json, ["x"]);

        Assert.Equal(DecodeError.TooDeep, error);
    }

    [Fact]
    public void Decode_EventLongerThanMaxBytes_IsOversized()
    {
        var limits = new JsonDecoderLimits { MaxBytes = 10 };

        var (fits, fitsSink) = Decode("""{"a":1234}""", ["a"], limits);
        var (over, overSink) = Decode("""{"a":12345}""", ["a"], limits);

        Assert.Equal(DecodeError.None, fits);
        Assert.Equal(1234, fitsSink.Single(0).Number);
        Assert.Equal(DecodeError.Oversized, over);
        Assert.Empty(overSink.Values);
    }

    [Fact]
    public void Decode_EveryJsonErrorReason_IsProducedByARealInput()
    {
        var cases = new (string Json, DecodeError Expected)[]
        {
            ("""{"a": }""", DecodeError.MalformedJson),
            ("[1]", DecodeError.NotAnObject),
            ("""{"a": [[[[1]]]]}""", DecodeError.TooDeep),
            ("""{"a": "0123456789abcdef"}""", DecodeError.Oversized),
            ("""{"a": "\udc00"}""", DecodeError.InvalidUtf8),
        };
        var limits = new JsonDecoderLimits { MaxBytes = 20, MaxDepth = 3 };

        foreach (var (json, expected) in cases)
        {
            Assert.Equal(expected, Decode(json, ["a"], limits).Error);
        }
    }

    [Fact]
    public void Decode_SinkThrowingJsonException_PropagatesToTheCaller()
    {
        var decoder = new JsonEventDecoder(["a"]);

        Assert.Throws<JsonException>(
            () => decoder.Decode("""{"a": 1}"""u8, new ThrowingSink()));
    }

    [Fact]
    public void Decode_SameDecoderOverManyEvents_ForgetsPreviousEvents()
    {
        var decoder = new JsonEventDecoder(["a", "b"]);
        var first = new RecordingSink();
        var second = new RecordingSink();

        decoder.Decode("""{"a": 1, "b": 2}"""u8, first);
        decoder.Decode("""{"b": 3, "a": 4}"""u8, second);

        Assert.Equal(4, second.Single(0).Number);
        Assert.Equal(3, second.Single(1).Number);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    public void Constructor_PathWithEmptySegment_Throws(string path)
    {
        Assert.Throws<ArgumentException>(() => new JsonEventDecoder([path]));
    }

    [Fact]
    public void Constructor_PathListedTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new JsonEventDecoder(["a.b", "c", "a.b"]));
    }

    [Fact]
    public void Decode_RandomEvents_AgreeWithJsonDocumentNavigation()
    {
        // An independent oracle: System.Text.Json's DOM, walked by hand along each path.
        var random = new Random(20240611);
        for (int trial = 0; trial < 300; trial++)
        {
            string json = RandomJson.Object(random, depth: 0);
            using var document = JsonDocument.Parse(json);
            var paths = RandomJson.CollectPaths(document.RootElement, prefix: null)
                .Where(_ => random.Next(3) > 0)
                .Append("no.such.path")
                .ToArray();

            var (error, sink) = Decode(json, paths);

            Assert.Equal(DecodeError.None, error);
            for (int field = 0; field < paths.Length; field++)
            {
                var expected = RandomJson.Navigate(document.RootElement, paths[field]);
                if (expected is null)
                {
                    Assert.False(sink.Has(field), paths[field]);
                    continue;
                }

                AssertMatches(expected.Value, sink.Single(field));
            }
        }
    }

    private static void AssertMatches(JsonElement expected, ReportedValue actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.String:
                Assert.Equal(("text", expected.GetString()), (actual.Kind, actual.Text));
                break;
            case JsonValueKind.Number:
                Assert.Equal("number", actual.Kind);
                Assert.Equal(expected.GetDouble(), actual.Number);
                Assert.Equal(expected.GetRawText(), actual.RawToken);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                Assert.Equal(
                    ("boolean", expected.GetBoolean()), (actual.Kind, actual.Boolean));
                break;
            case JsonValueKind.Null:
                Assert.Equal("null", actual.Kind);
                break;
            default:
                Assert.Equal(("text", expected.GetRawText()), (actual.Kind, actual.Text));
                break;
        }
    }

    private sealed class ThrowingSink : IFieldSink
    {
        public void OnText(int field, ReadOnlySpan<byte> utf8) =>
            throw new JsonException("sink");

        public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken) =>
            throw new JsonException("sink");

        public void OnBoolean(int field, bool value) => throw new JsonException("sink");

        public void OnNull(int field) => throw new JsonException("sink");
    }
}
