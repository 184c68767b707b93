using System.Text.Json;
using System.Text.Unicode;

namespace StreamMI.Decoding.Json;

/// <summary>Field discovery from sample events.</summary>
public sealed partial class JsonEventDecoder
{
    /// <summary>
    /// Adds to <paramref name="leafPaths"/> the dotted path of every leaf value of one
    /// sample object that it does not already hold, in document order. Feeding many samples
    /// into one collection gives the union of their fields.
    /// </summary>
    /// <remarks>
    /// A leaf is a value that is not an object with addressable members: a scalar, an array
    /// (arrays are not walked), an empty object, or an object whose every property name
    /// contains a dot or is empty. Properties whose names contain a dot or are empty cannot
    /// be addressed by a path and are left out. This runs once per sample, not per event,
    /// and allocates freely.
    /// </remarks>
    /// <returns><see cref="DecodeError.None"/>, or why the sample could not be read; on an
    /// error some paths of the sample may already have been added.</returns>
    public static DecodeError DiscoverFields(
        ReadOnlySpan<byte> utf8Json,
        ICollection<string> leafPaths,
        JsonDecoderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(leafPaths);
        limits ??= JsonDecoderLimits.Default;
        limits.Validate();

        if (utf8Json.Length > limits.MaxBytes)
        {
            return DecodeError.Oversized;
        }

        if (!Utf8.IsValid(utf8Json))
        {
            return DecodeError.InvalidUtf8;
        }

        var options = new JsonReaderOptions { MaxDepth = limits.MaxDepth + 1 };
        var reader = new Utf8JsonReader(utf8Json, options);
        try
        {
            if (!reader.Read())
            {
                return DecodeError.MalformedJson;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Reuse the decoder's classification of non-objects.
                var probe = new JsonEventDecoder([], limits);
                return probe.Decode(utf8Json, NullSink.Instance);
            }

            var error = WalkObject(
                ref reader, prefix: null, new LeafPathSet(leafPaths), limits.MaxDepth, out _);
            if (error != DecodeError.None)
            {
                return error;
            }

            return reader.Read() ? DecodeError.MalformedJson : DecodeError.None;
        }
        catch (JsonException)
        {
            // By design: the reader signals syntax errors by throwing.
            return DecodeError.MalformedJson;
        }
        catch (InvalidOperationException)
        {
            // By design: GetString throws on an escape naming a lone surrogate.
            return DecodeError.InvalidUtf8;
        }
    }

    // Walks the object the reader stands on, adding leaf paths; leaves the reader on its
    // end.
    private static DecodeError WalkObject(
        ref Utf8JsonReader reader,
        string? prefix,
        LeafPathSet leafPaths,
        int maxDepth,
        out bool hadAddressableMember)
    {
        hadAddressableMember = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            bool addressable =
                name.Length > 0 && !name.Contains('.', StringComparison.Ordinal);
            string path = prefix is null ? name : prefix + "." + name;
            hadAddressableMember |= addressable;

            if (!reader.Read())
            {
                return DecodeError.MalformedJson;
            }

            var token = reader.TokenType;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray
                && reader.CurrentDepth >= maxDepth)
            {
                return DecodeError.TooDeep;
            }

            if (token == JsonTokenType.StartObject && addressable)
            {
                var error = WalkObject(
                    ref reader, path, leafPaths, maxDepth, out bool inner);
                if (error != DecodeError.None)
                {
                    return error;
                }

                if (!inner)
                {
                    leafPaths.AddOnce(path);
                }

                continue;
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var error = SkipWithDepthLimit(ref reader, maxDepth);
                if (error != DecodeError.None)
                {
                    return error;
                }
            }

            if (addressable)
            {
                leafPaths.AddOnce(path);
            }
        }

        return reader.TokenType == JsonTokenType.EndObject
            ? DecodeError.None
            : DecodeError.MalformedJson;
    }

    private static DecodeError SkipWithDepthLimit(ref Utf8JsonReader reader, int maxDepth)
    {
        int depth = reader.CurrentDepth;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray
                && reader.CurrentDepth >= maxDepth)
            {
                return DecodeError.TooDeep;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray
                && reader.CurrentDepth == depth)
            {
                return DecodeError.None;
            }
        }

        return DecodeError.MalformedJson;
    }

    // The caller's collection with a set beside it: checking a List for each new path is
    // quadratic, about 3e9 string comparisons for a sample with 80,000 fields.
    private sealed class LeafPathSet(ICollection<string> target)
    {
        private readonly HashSet<string> _seen = new(target, StringComparer.Ordinal);

        public void AddOnce(string path)
        {
            if (_seen.Add(path))
            {
                target.Add(path);
            }
        }
    }

    private sealed class NullSink : IFieldSink
    {
        public static readonly NullSink Instance = new();

        public void OnText(int field, ReadOnlySpan<byte> utf8)
        {
        }

        public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken)
        {
        }

        public void OnBoolean(int field, bool value)
        {
        }

        public void OnNull(int field)
        {
        }
    }
}
