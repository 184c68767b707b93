using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StreamMI.Decoding.Tests.Json;

/// <summary>Random JSON objects without duplicate keys, and a hand walk of paths over a
/// parsed document, for oracle tests.</summary>
internal static class RandomJson
{
    private static readonly string[] Names =
    [
        "a", "b", "user", "country", "amount", "id", "x", "y", "z", "tag", "é", "k1", "k2",
        "k3", "k4", "k5", "k6", "k7", "k8", "k9", "long_name_with_underscores", "q\"uote",
    ];

    public static string Object(Random random, int depth)
    {
        var builder = new StringBuilder("{");
        var names = Names.OrderBy(_ => random.Next()).Take(random.Next(depth > 2 ? 3 : 15));
        bool first = true;
        foreach (string name in names)
        {
            builder.Append(first ? "" : ", ");
            first = false;
            builder.Append(JsonSerializer.Serialize(name)).Append(": ");
            builder.Append(Value(random, depth + 1));
        }

        return builder.Append('}').ToString();
    }

    public static IEnumerable<string> CollectPaths(JsonElement element, string? prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            string path = prefix is null ? property.Name : prefix + "." + property.Name;
            yield return path;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (string inner in CollectPaths(property.Value, path))
                {
                    yield return inner;
                }
            }
        }
    }

    public static JsonElement? Navigate(JsonElement root, string path)
    {
        var current = root;
        foreach (string segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object
                || !current.TryGetProperty(segment, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static string Value(Random random, int depth)
    {
        int kind = random.Next(depth > 3 ? 6 : 8);
        return kind switch
        {
            0 => "null",
            1 => random.Next(2) == 0 ? "true" : "false",
            2 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
            3 => (random.NextDouble() * Math.Pow(10, random.Next(-20, 20)))
                .ToString("R", CultureInfo.InvariantCulture),
            4 => JsonSerializer.Serialize(RandomText(random)),
            5 => EscapedText(random),
            6 => Object(random, depth),
            _ => "[" + string.Join(", ", Enumerable.Range(0, random.Next(4))
                .Select(_ => Value(random, depth + 1))) + "]",
        };
    }

    private static string RandomText(Random random)
    {
        const string alphabet = "abcXYZ 019,.\"\\\n\té€😀/<>'";
        var text = new StringBuilder();
        int length = random.Next(12);
        while (text.Length < length)
        {
            int at = random.Next(alphabet.Length);
            if (char.IsHighSurrogate(alphabet[at]))
            {
                text.Append(alphabet, at, 2);
            }
            else if (!char.IsLowSurrogate(alphabet[at]))
            {
                text.Append(alphabet[at]);
            }
        }

        return text.ToString();
    }

    // Every character written as a \uXXXX escape, so the decoder must unescape it all.
    private static string EscapedText(Random random)
    {
        var text = new StringBuilder("\"");
        foreach (char c in RandomText(random))
        {
            text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }

        return text.Append('"').ToString();
    }
}
