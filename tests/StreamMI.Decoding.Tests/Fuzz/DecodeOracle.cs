using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>
/// What <see cref="JsonEventDecoder"/> must answer for a payload, worked out independently:
/// a token walk that keeps dotted paths as strings (the decoder matches UTF-8 bytes against a
/// tree of names) and applies the decoder's documented rules in document order.
/// </summary>
/// <remarks>
/// The rules, from the decoder's documentation: longer than the limit is oversized; bytes that
/// are not UTF-8 are invalid wherever they lie; then, reading in order, the first of these
/// decides: a syntax error (malformed), an object or array nested deeper than the limit (too
/// deep), a lone surrogate escape in a property name of an object walked for requested paths
/// or in the first occurrence of a requested string (invalid UTF-8). A well-formed value that
/// is not an object is not an object. Each requested field is reported from its first
/// occurrence only.
/// </remarks>
internal static class DecodeOracle
{
    /// <summary>The verdict for <paramref name="payload"/>, and the values a decoder must
    /// report when the verdict is <see cref="DecodeError.None"/>.</summary>
    public static DecodeError Verdict(
        ReadOnlySpan<byte> payload,
        IReadOnlyList<string> paths,
        JsonDecoderLimits limits,
        out List<ReportedValue> values)
    {
        values = [];
        if (payload.Length > limits.MaxBytes)
        {
            return DecodeError.Oversized;
        }

        if (!Utf8.IsValid(payload))
        {
            return DecodeError.InvalidUtf8;
        }

        var requested = new Dictionary<string, int>(StringComparer.Ordinal);
        // The top-level object is walked (its property names read) only when some path is asked.
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        if (paths.Count > 0)
        {
            prefixes.Add(string.Empty);
        }

        for (var i = 0; i < paths.Count; i++)
        {
            requested[paths[i]] = i;
            var segments = paths[i].Split('.');
            for (var n = 1; n < segments.Length; n++)
            {
                prefixes.Add(string.Join('.', segments[..n]));
            }
        }

        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 1_000_000 });
        try
        {
            return Walk(ref reader, payload, limits.MaxDepth, requested, prefixes, values);
        }
        catch (JsonException)
        {
            values.Clear();
            return DecodeError.MalformedJson;
        }
    }

    private static DecodeError Walk(
        ref Utf8JsonReader reader,
        ReadOnlySpan<byte> payload,
        int maxDepth,
        Dictionary<string, int> requested,
        HashSet<string> prefixes,
        List<ReportedValue> values)
    {
        if (!reader.Read())
        {
            return DecodeError.MalformedJson;
        }

        var rootIsObject = reader.TokenType == JsonTokenType.StartObject;

        // Frames of open containers: the dotted path of a walked object ("" for the top), or
        // null for a container whose names do not matter; and where a requested one starts.
        var frames = new Stack<(string? Path, int Field, int Start)>();
        var reported = new HashSet<int>();
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            frames.Push((rootIsObject && prefixes.Contains(string.Empty) ? string.Empty : null, -1, 0));
        }

        string? pendingPath = null;
        while (frames.Count > 0)
        {
            if (!reader.Read())
            {
                return DecodeError.MalformedJson;
            }

            var token = reader.TokenType;
            var (framePath, _, _) = frames.Peek();
            if (token == JsonTokenType.PropertyName)
            {
                pendingPath = null;
                if (framePath is not null)
                {
                    string name;
                    try
                    {
                        name = reader.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        return DecodeError.InvalidUtf8;
                    }

                    if (name.Length > 0 && !name.Contains('.', StringComparison.Ordinal))
                    {
                        pendingPath = framePath.Length == 0 ? name : framePath + "." + name;
                    }
                }

                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                var (_, field, start) = frames.Pop();
                if (field >= 0 && reported.Add(field))
                {
                    var raw = Encoding.UTF8.GetString(payload[start..(int)reader.BytesConsumed]);
                    values.Add(new ReportedValue(field, "text", Text: raw));
                }

                continue;
            }

            var path = pendingPath;
            pendingPath = null;
            var fieldOfPath = path is not null && requested.TryGetValue(path, out var f) ? f : -1;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (reader.CurrentDepth >= maxDepth)
                {
                    return DecodeError.TooDeep;
                }

                var walked = token == JsonTokenType.StartObject && path is not null && prefixes.Contains(path);
                frames.Push((walked ? path : null, fieldOfPath, (int)reader.TokenStartIndex));
                continue;
            }

            if (fieldOfPath < 0 || reported.Contains(fieldOfPath))
            {
                continue;
            }

            reported.Add(fieldOfPath);
            switch (token)
            {
                case JsonTokenType.String:
                    try
                    {
                        values.Add(new ReportedValue(fieldOfPath, "text", Text: reader.GetString()));
                    }
                    catch (InvalidOperationException)
                    {
                        return DecodeError.InvalidUtf8;
                    }

                    break;
                case JsonTokenType.Number:
                    var raw = Encoding.UTF8.GetString(reader.ValueSpan);
                    var number = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                    values.Add(new ReportedValue(fieldOfPath, "number", Number: number, RawToken: raw));
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    values.Add(new ReportedValue(fieldOfPath, "boolean", Boolean: token == JsonTokenType.True));
                    break;
                default:
                    values.Add(new ReportedValue(fieldOfPath, "null"));
                    break;
            }
        }

        // Anything after the top-level value makes the reader throw here.
        if (reader.Read())
        {
            return DecodeError.MalformedJson;
        }

        if (!rootIsObject)
        {
            values.Clear();
            return DecodeError.NotAnObject;
        }

        return DecodeError.None;
    }
}
