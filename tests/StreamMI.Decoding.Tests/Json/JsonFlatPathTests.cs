using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Json;

/// <summary>
/// The decoder's fast path for flat events, held to System.Text.Json's DOM as the oracle: every
/// flat event, every corruption of one, and streams that switch between flat and nested events.
/// </summary>
public sealed class JsonFlatPathTests
{
    private static readonly string[] s_names = ["id", "country", "amount", "ok", "note", "n", "é"];

    [Fact]
    public void Decode_RandomFlatEvents_AgreeWithJsonDocument()
    {
        var random = new Random(9091);
        var decoder = new JsonEventDecoder(s_names);
        for (var trial = 0; trial < 3000; trial++)
        {
            var json = FlatEvent(random);
            var sink = new RecordingSink();

            var error = decoder.Decode(Encoding.UTF8.GetBytes(json), sink);

            Assert.Equal(DecodeError.None, error);
            AssertAgreesWithDocument(json, sink);
        }
    }

    [Fact]
    public void Decode_EveryByteOfAFlatEventReplaced_AcceptedExactlyWhenJsonDocumentAcceptsIt()
    {
        const string Event = """ {"id": "a1", "amount": -12.50e1, "ok": true, "note": null, "n": 0} """;
        var replacements = "\"\\,:{}[] x0-.eE\t\u0001".Select(c => (byte)c).ToArray();
        var decoder = new JsonEventDecoder(s_names);
        var original = Encoding.UTF8.GetBytes(Event);
        var variants = 0;

        for (var at = 0; at < original.Length; at++)
        {
            foreach (var replacement in replacements)
            {
                var bytes = (byte[])original.Clone();
                bytes[at] = replacement;
                var sink = new RecordingSink();

                var error = decoder.Decode(bytes, sink);

                var json = Encoding.UTF8.GetString(bytes);
                var valid = IsObject(json);
                Assert.True(valid == (error == DecodeError.None), $"{json} gave {error}");
                if (valid)
                {
                    AssertAgreesWithDocument(json, sink);
                    variants++;
                }
            }
        }

        Assert.True(variants > 50, "some replacements leave a valid event");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("0.1")]
    [InlineData("999999999999999")]
    [InlineData("9999999999999999")]
    [InlineData("0.000000000000001")]
    [InlineData("123456.789012345")]
    [InlineData("1234567.890123456")]
    [InlineData("1e5")]
    [InlineData("1E-5")]
    [InlineData("1700000000001")]
    public void Decode_NumberToken_EqualsTheInvariantParseAndKeepsTheToken(string token)
    {
        var (error, sink) = Decode("{\"n\":" + token + "}");

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(double.Parse(token, CultureInfo.InvariantCulture), sink.Single(5).Number);
        Assert.Equal(token, sink.Single(5).RawToken);
    }

    [Fact]
    public void Decode_RandomDecimalTokens_EqualTheInvariantParseBitForBit()
    {
        var random = new Random(77);
        var decoder = new JsonEventDecoder(["n"]);
        for (var i = 0; i < 20_000; i++)
        {
            var token = RandomNumber(random);
            var sink = new RecordingSink();

            decoder.Decode(Encoding.UTF8.GetBytes("{\"n\":" + token + "}"), sink);

            var expected = double.Parse(token, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(sink.Single(0).Number));
        }
    }

    [Fact]
    public void Decode_DuplicateKeyInFlatEvent_FirstOccurrenceWins()
    {
        var (error, sink) = Decode("""{"id": "first", "n": 1, "id": "second"}""");

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("first", sink.Single(0).Text);
        Assert.Equal(2, sink.Values.Count);
    }

    [Fact]
    public void Decode_StreamSwitchingBetweenNestedAndFlatEvents_EveryEventAgreesWithJsonDocument()
    {
        // Forty nested events in a row pause the fast path; the flat events after them must come
        // out the same whichever path decodes them.
        var random = new Random(5150);
        var decoder = new JsonEventDecoder(s_names);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 40; i++)
            {
                var nested = """{"id": "x", "meta": {"k": [1, 2]}, "n": """ + i + "}";
                var sink = new RecordingSink();
                Assert.Equal(DecodeError.None, decoder.Decode(Encoding.UTF8.GetBytes(nested), sink));
                AssertAgreesWithDocument(nested, sink);
            }

            for (var i = 0; i < 2000; i++)
            {
                var flat = FlatEvent(random);
                var sink = new RecordingSink();
                Assert.Equal(DecodeError.None, decoder.Decode(Encoding.UTF8.GetBytes(flat), sink));
                AssertAgreesWithDocument(flat, sink);
            }
        }
    }

    [Fact]
    public void Decode_FlatEventWithEscapes_IsUnescapedLikeAnyOther()
    {
        var (error, sink) = Decode("""{"country": "D\u00e9", "note": "a\"b", "n": 2}""");

        Assert.Equal(DecodeError.None, error);
        Assert.Equal("Dé", sink.Single(1).Text);
        Assert.Equal("a\"b", sink.Single(4).Text);
        Assert.Equal(2, sink.Single(5).Number);
    }

    private static (DecodeError Error, RecordingSink Sink) Decode(string json)
    {
        var sink = new RecordingSink();
        var error = new JsonEventDecoder(s_names).Decode(Encoding.UTF8.GetBytes(json), sink);
        return (error, sink);
    }

    private static bool IsObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AssertAgreesWithDocument(string json, RecordingSink sink)
    {
        using var document = JsonDocument.Parse(json);
        for (var field = 0; field < s_names.Length; field++)
        {
            // The first occurrence of a name wins; JsonDocument's TryGetProperty takes the last.
            var expected = document.RootElement.EnumerateObject()
                .Where(p => p.Name == s_names[field])
                .Select(p => (JsonElement?)p.Value)
                .FirstOrDefault();
            if (expected is not { } value)
            {
                Assert.False(sink.Has(field), s_names[field]);
                continue;
            }

            var actual = sink.Single(field);
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    Assert.Equal(("text", value.GetString()), (actual.Kind, actual.Text));
                    break;
                case JsonValueKind.Number:
                    Assert.Equal(("number", value.GetRawText()), (actual.Kind, actual.RawToken));
                    Assert.Equal(double.Parse(value.GetRawText(), CultureInfo.InvariantCulture), actual.Number);
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    Assert.Equal(("boolean", value.GetBoolean()), (actual.Kind, actual.Boolean));
                    break;
                case JsonValueKind.Null:
                    Assert.Equal("null", actual.Kind);
                    break;
                default:
                    Assert.Equal(("text", value.GetRawText()), (actual.Kind, actual.Text));
                    break;
            }
        }
    }

    private static string FlatEvent(Random random)
    {
        string[] spaces = ["", " ", "\t", "\r\n", "  "];
        string Space() => spaces[random.Next(spaces.Length)];
        var names = s_names.Append("other").OrderBy(_ => random.Next()).Take(random.Next(9));
        var properties = names.Select(name => Space() + JsonSerializer.Serialize(name) + Space() + ":"
            + Space() + FlatValue(random) + Space());
        return Space() + "{" + string.Join(",", properties) + "}" + Space();
    }

    private static string FlatValue(Random random) => random.Next(6) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => RandomNumber(random),
        3 => "\"" + new string('x', random.Next(5)) + "é€😀\"",
        4 => JsonSerializer.Serialize("q\"uote\\" + random.Next(100)),
        _ => "\"v" + random.Next(1000).ToString(CultureInfo.InvariantCulture) + "\"",
    };

    private static string RandomNumber(Random random)
    {
        var sign = random.Next(4) == 0 ? "-" : string.Empty;
        var whole = random.Next(3) == 0 ? "0" : (1 + random.NextInt64(999_999_999_999)).ToString(CultureInfo.InvariantCulture);
        var fraction = random.Next(2) == 0
            ? string.Empty
            : "." + random.NextInt64(10_000_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(1 + random.Next(10), '0');
        var exponent = random.Next(5) == 0 ? "e" + random.Next(-30, 30).ToString(CultureInfo.InvariantCulture) : string.Empty;
        return sign + whole + fraction + exponent;
    }
}
