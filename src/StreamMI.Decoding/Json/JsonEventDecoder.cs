using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace StreamMI.Decoding.Json;

/// <summary>
/// Picks the requested fields out of one JSON object per event and reports them to an
/// <see cref="IFieldSink"/>, without allocating in the steady state and without throwing on
/// bad input.
/// </summary>
/// <remarks>
/// <para>
/// A field path is a dotted list of property names, <c>user.country</c> meaning the
/// property <c>country</c> of the object held by the top-level property <c>user</c>. Only
/// objects are walked: an element of an array cannot be addressed, and a property name that
/// itself contains a dot, or is empty, cannot be addressed either.
/// </para>
/// <para>
/// Values: a string arrives through <see cref="IFieldSink.OnText"/> unescaped; a number
/// through <see cref="IFieldSink.OnNumber"/> with its token text; <c>true</c>/<c>false</c>
/// and <c>null</c> through their own callbacks. When the value at a requested path is an
/// object or an array, it arrives through <see cref="IFieldSink.OnText"/> as the raw JSON
/// text of that value, exactly as it appeared in the input (whitespace and escapes kept). A
/// path may be requested together with paths below it (<c>user</c> and
/// <c>user.country</c>).
/// </para>
/// <para>
/// Duplicate property names: each requested field is reported from its first occurrence in
/// document order, and later occurrences are ignored.
/// </para>
/// <para>
/// The whole event is parsed to its end even once every field has been found, so that an
/// event that is truncated or has trailing garbage is rejected. When <see cref="Decode"/>
/// returns an error, the sink may already have received values of that event.
/// </para>
/// <para>
/// Bytes that are not valid UTF-8 reject the whole event as
/// <see cref="DecodeError.InvalidUtf8"/>, wherever they lie. A string escape naming a lone
/// UTF-16 surrogate (<c>"\ud800"</c>) is judged less strictly: it is reported as
/// <see cref="DecodeError.InvalidUtf8"/> only when it lies in the value reported for a
/// requested field or in a property name on a requested path; elsewhere it is passed over,
/// because skipped text is never unescaped.
/// </para>
/// <para>
/// Allocation: a well-formed event, and one rejected as oversized, not valid UTF-8, not an
/// object or too deep, allocates nothing. Malformed JSON does allocate: Utf8JsonReader
/// reports a syntax error only by throwing, and the decoder catches that exception, which
/// costs about a kilobyte and some microseconds per malformed event. A stream made mostly of
/// malformed events is therefore decoded markedly slower than a clean one.
/// </para>
/// <para>An instance keeps scratch state between calls and is not safe for concurrent use:
/// give each consuming thread its own.</para>
/// </remarks>
public sealed partial class JsonEventDecoder
{
    private const int InitialScratchBytes = 256;

    private readonly JsonPathNode _root;

    private readonly JsonDecoderLimits _limits;

    private readonly JsonReaderOptions _readerOptions;

    // Event stamps: field f was already reported in this event when _reportedIn[f] equals
    // _event. Bumping _event forgets every field at once, without clearing the array.
    private readonly uint[] _reportedIn;

    // The requested objects currently open, root at 0, and where each one's text starts.
    private readonly JsonPathNode[] _openNodes;

    private readonly int[] _openStarts;

    private uint _event;

    private byte[] _scratch = new byte[InitialScratchBytes];

    // True while a sink callback runs, so that a JsonException thrown by the sink reaches
    // the caller instead of being taken for malformed input.
    private bool _inSink;

    /// <summary>Creates a decoder for <paramref name="fieldPaths"/>; the index reported for
    /// a field is its position in this list.</summary>
    /// <exception cref="ArgumentException">A path is empty, has an empty segment, or is
    /// listed twice.</exception>
    public JsonEventDecoder(
        IReadOnlyList<string> fieldPaths,
        JsonDecoderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(fieldPaths);
        _limits = limits ?? JsonDecoderLimits.Default;
        _limits.Validate();

        _root = new JsonPathNode();
        var paths = new string[fieldPaths.Count];
        for (int field = 0; field < fieldPaths.Count; field++)
        {
            string path = fieldPaths[field] ?? throw new ArgumentException(
                $"Field path {field} is null.", nameof(fieldPaths));
            var node = _root;
            foreach (string segment in path.Split('.'))
            {
                if (segment.Length == 0)
                {
                    throw new ArgumentException(
                        $"Field path '{path}' has an empty segment.", nameof(fieldPaths));
                }

                node = node.GetOrAddChild(segment);
            }

            if (node.Field >= 0)
            {
                throw new ArgumentException(
                    $"Field path '{path}' is listed twice.", nameof(fieldPaths));
            }

            node.Field = field;
            paths[field] = path;
        }

        _root.Freeze();
        FieldPaths = paths;
        _reportedIn = new uint[paths.Length];
        _openNodes = new JsonPathNode[_root.Height + 1];
        _openStarts = new int[_root.Height + 1];

        // The reader's own depth check sits one level above ours, so ours always fires
        // first and the two failures stay distinguishable.
        _readerOptions = new JsonReaderOptions
        {
            MaxDepth = _limits.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
    }

    /// <summary>The requested paths; a field's index is its position here.</summary>
    public IReadOnlyList<string> FieldPaths { get; }

    /// <summary>The limits in force.</summary>
    public JsonDecoderLimits Limits => _limits;

    /// <summary>
    /// Decodes one event, which must be a single JSON object, reporting each requested
    /// field it contains. Never throws for bad input; exceptions thrown by the sink
    /// propagate.
    /// </summary>
    public DecodeError Decode(ReadOnlySpan<byte> utf8Json, IFieldSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);

        if (utf8Json.Length > _limits.MaxBytes)
        {
            return DecodeError.Oversized;
        }

        // Utf8JsonReader does not check the bytes inside strings, so check the whole event
        // once; this pass is vectorised and cheap next to the parse.
        if (!Utf8.IsValid(utf8Json))
        {
            return DecodeError.InvalidUtf8;
        }

        StartEvent();
        if (TryDecodeFlat(utf8Json, sink))
        {
            _flatMisses = 0;
            return DecodeError.None;
        }

        // The fast path gave up before reporting anything; a new event forgets what it noted.
        StartEvent();
        _inSink = false;
        DecodeError result;
        try
        {
            result = DecodeObject(utf8Json, sink);
        }
        catch (JsonException) when (!_inSink)
        {
            // By design: the reader signals every syntax error by throwing, and this method
            // promises a result code instead.
            result = DecodeError.MalformedJson;
        }

        NoteFlatMiss(result);
        return result;
    }

    private void StartEvent()
    {
        _event++;
        if (_event == 0)
        {
            // After 2^32 events the stamps wrap; clear them so that no stale stamp matches.
            Array.Clear(_reportedIn);
            _event = 1;
        }
    }

    private DecodeError DecodeObject(ReadOnlySpan<byte> json, IFieldSink sink)
    {
        var reader = new Utf8JsonReader(json, _readerOptions);
        if (!reader.Read())
        {
            return DecodeError.MalformedJson;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return RejectNonObject(ref reader);
        }

        int level = 0;
        var node = _root;
        _openNodes[0] = _root;
        _openStarts[0] = 0;

        while (true)
        {
            if (!reader.Read())
            {
                return DecodeError.MalformedJson;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if (level == 0)
                {
                    break;
                }

                // A requested object that was walked for the paths below it may itself be
                // requested: its text is complete only now.
                if (node.Field >= 0)
                {
                    int start = _openStarts[level];
                    ReportText(sink, node.Field, json[start..(int)reader.BytesConsumed]);
                }

                level--;
                node = _openNodes[level];
                continue;
            }

            JsonPathNode? child = null;
            if (node.HasChildren)
            {
                var name = reader.ValueSpan;
                if (reader.ValueIsEscaped)
                {
                    int length = Unescape(ref reader);
                    if (length < 0)
                    {
                        return DecodeError.InvalidUtf8;
                    }

                    name = _scratch.AsSpan(0, length);
                }

                child = node.Find(name);
            }

            if (!reader.Read())
            {
                return DecodeError.MalformedJson;
            }

            var token = reader.TokenType;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (reader.CurrentDepth >= _limits.MaxDepth)
                {
                    return DecodeError.TooDeep;
                }

                int start = (int)reader.TokenStartIndex;
                if (token == JsonTokenType.StartObject && child is { HasChildren: true })
                {
                    level++;
                    _openNodes[level] = child;
                    _openStarts[level] = start;
                    node = child;
                    continue;
                }

                var skipped = SkipContainer(ref reader);
                if (skipped != DecodeError.None)
                {
                    return skipped;
                }

                if (child is not null && child.Field >= 0)
                {
                    ReportText(sink, child.Field, json[start..(int)reader.BytesConsumed]);
                }

                continue;
            }

            if (child is not null && child.Field >= 0)
            {
                var reported = ReportScalar(ref reader, sink, child.Field);
                if (reported != DecodeError.None)
                {
                    return reported;
                }
            }
        }

        // Anything but whitespace after the object makes the reader throw here.
        return reader.Read() ? DecodeError.MalformedJson : DecodeError.None;
    }

    // The top-level value is not an object: still tell a well-formed array or scalar from
    // broken input, so that the reason counted is the true one.
    private DecodeError RejectNonObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var skipped = SkipContainer(ref reader);
            if (skipped != DecodeError.None)
            {
                return skipped;
            }
        }

        return reader.Read() ? DecodeError.MalformedJson : DecodeError.NotAnObject;
    }

    // Reads past the object or array the reader stands on, checking the depth limit on the
    // way; leaves the reader on its closing token.
    private DecodeError SkipContainer(ref Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (reader.CurrentDepth >= _limits.MaxDepth)
                    {
                        return DecodeError.TooDeep;
                    }

                    break;

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    if (reader.CurrentDepth == depth)
                    {
                        return DecodeError.None;
                    }

                    break;
            }
        }

        return DecodeError.MalformedJson;
    }

    private DecodeError ReportScalar(ref Utf8JsonReader reader, IFieldSink sink, int field)
    {
        if (_reportedIn[field] == _event)
        {
            // A duplicate key: the first occurrence already won.
            return DecodeError.None;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var text = reader.ValueSpan;
                if (reader.ValueIsEscaped)
                {
                    int length = Unescape(ref reader);
                    if (length < 0)
                    {
                        return DecodeError.InvalidUtf8;
                    }

                    text = _scratch.AsSpan(0, length);
                }

                ReportText(sink, field, text);
                break;

            case JsonTokenType.Number:
                var raw = reader.ValueSpan;
                if (!reader.TryGetDouble(out double value))
                {
                    value = ParseNumberFallback(raw);
                }

                _reportedIn[field] = _event;
                _inSink = true;
                sink.OnNumber(field, value, raw);
                _inSink = false;
                break;

            case JsonTokenType.True:
            case JsonTokenType.False:
                _reportedIn[field] = _event;
                _inSink = true;
                sink.OnBoolean(field, reader.TokenType == JsonTokenType.True);
                _inSink = false;
                break;

            default:
                _reportedIn[field] = _event;
                _inSink = true;
                sink.OnNull(field);
                _inSink = false;
                break;
        }

        return DecodeError.None;
    }

    private void ReportText(IFieldSink sink, int field, ReadOnlySpan<byte> text)
    {
        if (_reportedIn[field] == _event)
        {
            return;
        }

        _reportedIn[field] = _event;
        _inSink = true;
        sink.OnText(field, text);
        _inSink = false;
    }

    // The reader accepts every number token it can parse to a double (an overflow becomes
    // an infinity); this fallback only guards against a future reader that refuses some.
    private static double ParseNumberFallback(ReadOnlySpan<byte> raw)
    {
        var invariant = CultureInfo.InvariantCulture;
        return double.TryParse(raw, NumberStyles.Float, invariant, out double value)
            ? value
            : double.NaN;
    }

    // Unescapes the current string or property name, which holds escapes, into the
    // scratch buffer and returns its length there; -1 when an escape names a lone surrogate.
    private int Unescape(ref Utf8JsonReader reader)
    {
        // Unescaping never lengthens the text.
        int needed = reader.ValueSpan.Length;
        if (_scratch.Length < needed)
        {
            _scratch = new byte[Math.Max(needed, _scratch.Length * 2)];
        }

        try
        {
            return reader.CopyString(_scratch);
        }
        catch (InvalidOperationException)
        {
            // By design: CopyString throws when the unescaped text would not be valid UTF-8,
            // which is the one way valid UTF-8 input can still carry an invalid string.
            return -1;
        }
    }
}
