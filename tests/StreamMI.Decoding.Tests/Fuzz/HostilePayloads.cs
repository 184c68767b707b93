using System.Globalization;
using System.Text;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>The family a generated payload belongs to.</summary>
internal enum PayloadKind
{
    Valid,
    Truncated,
    Mutated,
    DeepNesting,
    HugeNumber,
    NonFiniteText,
    InvalidUtf8,
    LoneSurrogate,
    DuplicateKeys,
    NotAnObject,
    Empty,
    RandomBytes,
    MegabyteString,
    WideObject,
    NonStandardJson,
}

/// <summary>One generated payload; <see cref="Expected"/> is the decoder's verdict when the
/// generator knows it by construction, null when only an oracle can tell.</summary>
internal readonly record struct HostilePayload(PayloadKind Kind, byte[]? Bytes, DecodeError? Expected);

/// <summary>
/// Random and mutated event payloads for fuzzing the decode-and-count path: well-formed events
/// of the fuzz schema, and the hostile families a broken or malicious producer sends
/// (truncated JSON, deep nesting, huge numbers, NaN and Infinity as text, invalid UTF-8, lone
/// surrogate escapes, megabyte strings, duplicate keys, byte-level mutations, random bytes).
/// </summary>
/// <remarks>
/// The same seed gives the same sequence. Events use the fields of <see cref="Paths"/>: a
/// categorical <c>label</c> (the target), a categorical <c>colour</c>, a numeric
/// <c>amount</c>, a boolean <c>flag</c>, a nested <c>user.country</c> and an event time
/// <c>ts</c> in Unix milliseconds, plus unrequested noise fields.
/// </remarks>
internal sealed class HostilePayloads
{
    /// <summary>The requested field paths of the fuzz schema, target and time included.</summary>
    public static readonly string[] Paths = ["colour", "amount", "flag", "user.country", "label", "ts"];

    private static readonly string[] s_labels = ["a", "b", "c"];

    private static readonly string[] s_colours = ["red", "green", "blue", "cyan", "é", "日本", "\"q\"", "tab\tbed", ""];

    private static readonly string[] s_noiseKeys = ["id", "note", "meta", "x", "tags", "user", "label", "amount"];

    private static readonly string[] s_hugeNumbers =
    [
        "1e400", "-1e400", "1e-400", "1E+308", "-0", "0.0000000000000000000000000000001",
        "123456789012345678901234567890123456789012345678901234567890",
        "1.7976931348623157e308", "4.9e-324", "9007199254740993",
    ];

    private static readonly string[] s_nonFinite = ["NaN", "Infinity", "-Infinity", "nan", "inf", "1e999", "-1e999", "∞"];

    private static readonly byte[][] s_badUtf8 =
    [
        [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3], [0xFE, 0xFF], [0xEF, 0xBF],
    ];

    private readonly Random _random;
    private readonly int _maxBytes;
    private readonly int _maxDepth;
    private readonly int _megabyteEvery;

    /// <summary>Creates a generator for decoder limits <paramref name="maxBytes"/> and
    /// <paramref name="maxDepth"/>; about one payload in <paramref name="megabyteEvery"/> is
    /// megabyte-sized.</summary>
    public HostilePayloads(int seed, int maxBytes = 1 << 20, int maxDepth = 64, int megabyteEvery = 5000)
    {
        _random = new Random(seed);
        _maxBytes = maxBytes;
        _maxDepth = maxDepth;
        _megabyteEvery = megabyteEvery;
    }

    /// <summary>The next payload.</summary>
    public HostilePayload Next()
    {
        if (_random.Next(_megabyteEvery) == 0)
        {
            return MegabyteString();
        }

        var roll = _random.Next(1000);
        return roll switch
        {
            < 300 => new(PayloadKind.Valid, Encoding.UTF8.GetBytes(Event()), DecodeError.None),
            < 400 => Truncated(),
            < 600 => new(PayloadKind.Mutated, Mutate(Encoding.UTF8.GetBytes(Event())), null),
            < 630 => DeepNesting(),
            < 680 => HugeNumber(),
            < 730 => NonFiniteText(),
            < 780 => InvalidUtf8(),
            < 810 => LoneSurrogate(),
            < 860 => DuplicateKeys(),
            < 890 => NotAnObject(),
            < 900 => new(PayloadKind.Empty, _random.Next(2) == 0 ? null : [], null),
            < 930 => RandomBytes(),
            < 940 => WideObject(),
            _ => NonStandardJson(),
        };
    }

    /// <summary>A well-formed event of the fuzz schema, with fields missing, null or of
    /// unexpected types now and then.</summary>
    public string Event(string? amountToken = null, string? colour = null)
    {
        var parts = new List<string>(8);
        if (_random.Next(20) != 0)
        {
            parts.Add("\"label\":" + (_random.Next(30) == 0 ? "null" : Quote(s_labels[_random.Next(3)])));
        }

        if (colour is not null || _random.Next(10) != 0)
        {
            parts.Add("\"colour\":" + Quote(colour ?? s_colours[_random.Next(s_colours.Length)]));
        }

        if (amountToken is not null || _random.Next(10) != 0)
        {
            var amount = amountToken ?? (_random.Next(8) == 0
                ? Quote(Number())
                : Number());
            parts.Add("\"amount\":" + amount);
        }

        if (_random.Next(8) != 0)
        {
            parts.Add("\"flag\":" + _random.Next(5) switch
            {
                0 => "\"yes\"",
                1 => "1",
                2 => "false",
                _ => "true",
            });
        }

        if (_random.Next(4) != 0)
        {
            var country = Quote(_random.Next(2) == 0 ? "NL" : "DE");
            parts.Add("\"user\":{\"country\":" + country + ",\"age\":" + _random.Next(90) + "}");
        }

        if (_random.Next(25) != 0)
        {
            parts.Add("\"ts\":" + (_random.Next(10) == 0
                ? Quote("2024-06-01T12:00:00Z")
                : (1_700_000_000_000L + _random.Next(1_000_000)).ToString(CultureInfo.InvariantCulture)));
        }

        for (var i = _random.Next(3); i > 0; i--)
        {
            parts.Add(Quote(s_noiseKeys[_random.Next(s_noiseKeys.Length)] + i) + ":" + Noise(depth: 0));
        }

        Shuffle(parts);
        return "{" + string.Join(_random.Next(4) == 0 ? ", " : ",", parts) + "}";
    }

    private HostilePayload Truncated()
    {
        var whole = Encoding.UTF8.GetBytes(Event());

        // Every strict prefix of an object is incomplete; cutting inside a multi-byte
        // character also leaves invalid UTF-8, which the decoder checks first.
        var cut = whole[.._random.Next(1, whole.Length)];
        var expected = System.Text.Unicode.Utf8.IsValid(cut) ? DecodeError.MalformedJson : DecodeError.InvalidUtf8;
        return new(PayloadKind.Truncated, cut, expected);
    }

    private byte[] Mutate(byte[] bytes)
    {
        var list = new List<byte>(bytes);
        for (var n = 1 + _random.Next(3); n > 0 && list.Count > 0; n--)
        {
            var at = _random.Next(list.Count);
            switch (_random.Next(6))
            {
                case 0:
                    list[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    list.Insert(at, (byte)_random.Next(256));
                    break;
                case 2:
                    list.RemoveRange(at, Math.Min(list.Count - at, 1 + _random.Next(8)));
                    break;
                case 3:
                    var length = Math.Min(list.Count - at, 1 + _random.Next(16));
                    list.InsertRange(_random.Next(list.Count), list.GetRange(at, length));
                    break;
                case 4:
                    list.Insert(at, (byte)"{}[]\":,\\"[_random.Next(8)]);
                    break;
                default:
                    var other = _random.Next(list.Count);
                    (list[at], list[other]) = (list[other], list[at]);
                    break;
            }
        }

        return [.. list];
    }

    private HostilePayload DeepNesting()
    {
        // Depths near the limit, far past it, and absurd; in a field or at the top.
        var depth = _random.Next(10) switch
        {
            < 5 => _maxDepth - 2 + _random.Next(5),
            < 9 => 100 + _random.Next(1000),
            _ => 10_000 + _random.Next(90_000),
        };
        var atTop = _random.Next(3) == 0;
        var open = _random.Next(2) == 0 ? "[" : "{\"k\":";
        var close = open == "[" ? "]" : "}";
        var builder = new StringBuilder();
        builder.Append(atTop ? string.Empty : "{\"label\":\"a\",\"deep\":");
        builder.Insert(builder.Length, open, depth).Append('1').Insert(builder.Length, close, depth);
        builder.Append(atTop ? string.Empty : "}");

        // Nesting depth counts the top-level container as 1.
        var nesting = depth + (atTop ? 0 : 1);
        DecodeError expected = nesting > _maxDepth ? DecodeError.TooDeep
            : atTop && open == "[" ? DecodeError.NotAnObject
            : DecodeError.None;
        return new(PayloadKind.DeepNesting, Encoding.UTF8.GetBytes(builder.ToString()), expected);
    }

    private HostilePayload HugeNumber()
    {
        var token = _random.Next(4) == 0
            ? new string('9', 1 + _random.Next(5000))
            : s_hugeNumbers[_random.Next(s_hugeNumbers.Length)];
        return new(PayloadKind.HugeNumber, Encoding.UTF8.GetBytes(Event(amountToken: token)), DecodeError.None);
    }

    private HostilePayload NonFiniteText()
    {
        var text = s_nonFinite[_random.Next(s_nonFinite.Length)];
        if (_random.Next(3) == 0)
        {
            // A bare NaN or Infinity token is not JSON.
            var bare = Encoding.UTF8.GetBytes(Event(amountToken: text));
            var verdict = text is "1e999" or "-1e999" ? DecodeError.None : DecodeError.MalformedJson;
            return new(PayloadKind.NonFiniteText, bare, verdict);
        }

        return new(PayloadKind.NonFiniteText, Encoding.UTF8.GetBytes(Event(amountToken: Quote(text))), DecodeError.None);
    }

    private HostilePayload InvalidUtf8()
    {
        var bad = s_badUtf8[_random.Next(s_badUtf8.Length)];
        var text = Encoding.UTF8.GetBytes(Event(colour: "MARK"));
        var mark = text.AsSpan().IndexOf("MARK"u8);
        byte[] bytes;
        if (mark < 0 || _random.Next(4) == 0)
        {
            // Anywhere, even between tokens.
            var at = _random.Next(text.Length + 1);
            bytes = [.. text[..at], .. bad, .. text[at..]];
        }
        else
        {
            bytes = [.. text[..mark], .. bad, .. text[(mark + 4)..]];
        }

        return new(PayloadKind.InvalidUtf8, bytes, DecodeError.InvalidUtf8);
    }

    private HostilePayload LoneSurrogate()
    {
        var escape = _random.Next(2) == 0 ? "\\ud800" : "\\udfff";
        switch (_random.Next(3))
        {
            case 0:
                // In a requested value: the decoder must unescape it, and cannot.
                var requested = "{\"label\":\"a\",\"colour\":\"x" + escape + "y\"}";
                return new(PayloadKind.LoneSurrogate, Encoding.UTF8.GetBytes(requested), DecodeError.InvalidUtf8);
            case 1:
                // In a value nobody asked for: skipped text is never unescaped.
                var skipped = "{\"label\":\"a\",\"note\":\"" + escape + "\"}";
                return new(PayloadKind.LoneSurrogate, Encoding.UTF8.GetBytes(skipped), DecodeError.None);
            default:
                // In a property name of the top-level object, which is walked for paths.
                var name = "{\"label\":\"a\",\"k" + escape + "\":1}";
                return new(PayloadKind.LoneSurrogate, Encoding.UTF8.GetBytes(name), DecodeError.InvalidUtf8);
        }
    }

    private HostilePayload DuplicateKeys()
    {
        var json = _random.Next(4) switch
        {
            0 => "{\"label\":\"a\",\"colour\":\"red\",\"label\":\"b\"}",
            1 => "{\"label\":\"c\",\"amount\":1,\"amount\":\"many\",\"amount\":null}",
            2 => "{\"user\":{\"country\":\"NL\"},\"label\":\"a\",\"user\":{\"country\":\"DE\",\"country\":7}}",
            // Only the first occurrence of a requested field is read; a later one is skipped
            // without being unescaped, lone surrogate and all.
            _ => "{\"label\":\"a\",\"colour\":\"y\",\"colour\":\"x\\ud800\"}",
        };
        return new(PayloadKind.DuplicateKeys, Encoding.UTF8.GetBytes(json), DecodeError.None);
    }

    private HostilePayload NotAnObject()
    {
        var (json, expected) = _random.Next(8) switch
        {
            0 => ("[1,2,3]", DecodeError.NotAnObject),
            1 => ("\"label\"", DecodeError.NotAnObject),
            2 => ("42", DecodeError.NotAnObject),
            3 => ("null", DecodeError.NotAnObject),
            4 => ("true", DecodeError.NotAnObject),
            5 => ("   \r\n\t ", DecodeError.MalformedJson),
            6 => ("[" + Event() + "]", DecodeError.NotAnObject),
            _ => ("{}", DecodeError.None),
        };
        return new(PayloadKind.NotAnObject, Encoding.UTF8.GetBytes(json), expected);
    }

    private HostilePayload RandomBytes()
    {
        var bytes = new byte[_random.Next(1, 200)];
        _random.NextBytes(bytes);
        if (_random.Next(2) == 0)
        {
            bytes[0] = (byte)'{';
        }

        return new(PayloadKind.RandomBytes, bytes, null);
    }

    private HostilePayload MegabyteString()
    {
        // Just under the limit, just over it, or far over it; as a plain value, an escaped
        // value (the decoder unescapes it into scratch) or a property name.
        var head = "{\"label\":\"a\",\"colour\":\"";
        var tail = "\"}";
        var room = _maxBytes - head.Length - tail.Length;
        var length = _random.Next(3) switch
        {
            0 => room - _random.Next(16),
            1 => room + 1 + _random.Next(16),
            _ => room * 2,
        };
        string body;
        switch (_random.Next(3))
        {
            case 0:
                body = new string('x', Math.Max(0, length));
                break;
            case 1:
                // \u0041 is six bytes that unescape to one.
                body = new StringBuilder().Insert(0, "\\u0041", Math.Max(0, length) / 6).ToString();
                length = body.Length;
                break;
            default:
                head = "{\"label\":\"a\",\"";
                tail = "\":1}";
                body = new string('k', Math.Max(0, length));
                break;
        }

        var bytes = Encoding.UTF8.GetBytes(head + body + tail);
        var expected = bytes.Length > _maxBytes ? DecodeError.Oversized : DecodeError.None;
        return new(PayloadKind.MegabyteString, bytes, expected);
    }

    private HostilePayload WideObject()
    {
        var builder = new StringBuilder("{\"label\":\"b\"");
        for (var i = _random.Next(500, 3000); i > 0; i--)
        {
            builder.Append(",\"f").Append(i).Append("\":").Append(i);
        }

        var bytes = Encoding.UTF8.GetBytes(builder.Append('}').ToString());
        return new(PayloadKind.WideObject, bytes, DecodeError.None);
    }

    private HostilePayload NonStandardJson()
    {
        // What lenient parsers accept and JSON does not.
        var json = _random.Next(5) switch
        {
            0 => "{\"label\":\"a\",}",
            1 => "{\"label\":\"a\" /* note */}",
            2 => "{'label':'a'}",
            3 => "{label:\"a\"}",
            _ => "{\"label\":\"a\"}{\"label\":\"b\"}",
        };
        return new(PayloadKind.NonStandardJson, Encoding.UTF8.GetBytes(json), DecodeError.MalformedJson);
    }

    private string Number() => _random.Next(4) switch
    {
        0 => _random.Next(-50, 200).ToString(CultureInfo.InvariantCulture),
        1 => (_random.NextDouble() * 150).ToString("R", CultureInfo.InvariantCulture),
        2 => (_random.NextDouble() * Math.Pow(10, _random.Next(-30, 30))).ToString("E3", CultureInfo.InvariantCulture),
        _ => _random.Next(100).ToString(CultureInfo.InvariantCulture) + ".5",
    };

    private string Noise(int depth) => _random.Next(depth > 2 ? 4 : 7) switch
    {
        0 => "null",
        1 => Number(),
        2 => Quote("n" + _random.Next(1000).ToString(CultureInfo.InvariantCulture)),
        3 => "\"esc\\n\\\"\\u00e9\\ud83d\\ude00\"",
        4 => "[" + Noise(depth + 1) + "," + Noise(depth + 1) + "]",
        5 => "{\"a\":" + Noise(depth + 1) + ",\"country\":" + Noise(depth + 1) + "}",
        _ => "{}",
    };

    private void Shuffle(List<string> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // JSON string literal of ordinary text: quotes, backslashes and control characters escaped.
    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
