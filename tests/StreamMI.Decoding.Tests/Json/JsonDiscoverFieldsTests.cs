using System.Text;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Json;

public sealed class JsonDiscoverFieldsTests
{
    private static (DecodeError Error, List<string> Paths) Discover(string json)
    {
        var paths = new List<string>();
        var error = JsonEventDecoder.DiscoverFields(Encoding.UTF8.GetBytes(json), paths);
        return (error, paths);
    }

    [Fact]
    public void DiscoverFields_NestedObject_ListsLeafPathsInDocumentOrder()
    {
        const string json = """
            {"id": 7, "user": {"country": "NL", "geo": {"lat": 52.0, "lon": 4.3}},
             "tags": ["a", "b"], "empty": {}, "ok": true, "gone": null}
            """;

        var (error, paths) = Discover(json);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(
            [
                "id", "user.country", "user.geo.lat", "user.geo.lon", "tags", "empty", "ok",
                "gone",
            ],
            paths);
    }

    [Fact]
    public void DiscoverFields_UnaddressableKeys_AreLeftOut()
    {
        var (error, paths) = Discover(
            """{"a.b": 1, "": 2, "c": {"d.e": 3}, "f": {"g": 4}}""");

        Assert.Equal(DecodeError.None, error);

        // c holds no addressable member, so c itself is the leaf.
        Assert.Equal(["c", "f.g"], paths);
    }

    [Fact]
    public void DiscoverFields_SeveralSamples_GiveTheUnionOnce()
    {
        var paths = new List<string>();

        JsonEventDecoder.DiscoverFields("""{"a": 1, "b": {"c": 2}}"""u8, paths);
        JsonEventDecoder.DiscoverFields("""{"b": {"d": 3}, "a": 4, "e": 5}"""u8, paths);
        JsonEventDecoder.DiscoverFields("""{"a": 1, "a": 2}"""u8, paths);

        Assert.Equal(["a", "b.c", "b.d", "e"], paths);
    }

    [Fact]
    public void DiscoverFields_EscapedNames_AreUnescaped()
    {
        var (error, paths) = Discover("""{"us\u0065r": {"\u00e9t\u00e9": 1}}""");

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(["user.été"], paths);
    }

    [Fact]
    public void DiscoverFields_DiscoveredPaths_AreAllFoundByTheDecoder()
    {
        const string json = """
            {"a": 1, "b": {"c": "x", "d": [1, 2], "e": {}}, "f": null,
             "g": {"h": {"i": false}}}
            """;
        var (_, paths) = Discover(json);
        var decoder = new JsonEventDecoder(paths);
        var sink = new RecordingSink();

        var error = decoder.Decode(Encoding.UTF8.GetBytes(json), sink);

        Assert.Equal(DecodeError.None, error);
        Assert.Equal(paths.Count, sink.Values.Select(v => v.Field).Distinct().Count());
    }

    [Theory]
    [InlineData("""{"a": 1""", DecodeError.MalformedJson)]
    [InlineData("""[{"a": 1}]""", DecodeError.NotAnObject)]
    [InlineData("""{"a": "\ud800"}""", DecodeError.None)]
    [InlineData("""{"\ud800": 1}""", DecodeError.InvalidUtf8)]
    [InlineData("""{"a": {"b": {"c": {"d": {"e": 1}}}}}""", DecodeError.TooDeep)]
    [InlineData("""{"a": [[[[[1]]]]]}""", DecodeError.TooDeep)]
    [InlineData("""{"a": 1} []""", DecodeError.MalformedJson)]
    public void DiscoverFields_BadSample_ReportsWhy(string json, DecodeError expected)
    {
        var limits = new JsonDecoderLimits { MaxDepth = 4 };

        var error = JsonEventDecoder.DiscoverFields(Encoding.UTF8.GetBytes(json), [], limits);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void DiscoverFields_InvalidUtf8Bytes_IsInvalidUtf8()
    {
        byte[] json = [.. "{\"a\": \""u8, 0xFE, .. "\"}"u8];

        Assert.Equal(DecodeError.InvalidUtf8, JsonEventDecoder.DiscoverFields(json, []));
    }
}
