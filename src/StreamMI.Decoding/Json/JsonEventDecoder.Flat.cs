using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StreamMI.Decoding.Json;

/// <summary>
/// The fast path for flat events: one object whose values are all strings without escapes,
/// numbers, booleans or null, which is what most event streams carry.
/// </summary>
/// <remarks>
/// <para>
/// Utf8JsonReader is general: it tracks nesting, validates as it goes token by token and
/// parses every number it is asked for. On a flat event of some 300 bytes that costs about
/// two microseconds here, several times the cost of counting the event. This path scans such
/// an event in one pass over its bytes instead.
/// </para>
/// <para>
/// It runs in two phases. The first checks the whole event against the JSON grammar for a
/// flat object and notes where each requested value lies, without calling the sink. Anything
/// it does not handle (a nested object or array, an escape, a control character, any syntax
/// error) makes it give up before the sink has seen anything, and the general path then
/// decodes the event from the start and reports exactly what it would have reported without
/// this path, errors included. Only when the whole event has passed does the second phase
/// report the noted values, in document order. So both paths report the same values for every
/// event, and this one only for events it accepts in full.
/// </para>
/// <para>
/// A stream of nested events would have each one scanned here up to its first nested value
/// and then decoded again by the general path. After <see cref="FlatMissesBeforePause"/>
/// such events in a row the path stays off for <see cref="FlatPauseEvents"/> events, then
/// tries again, so a nested stream pays for it on a small share of its events.
/// </para>
/// </remarks>
public sealed partial class JsonEventDecoder
{
    private const int FlatMissesBeforePause = 8;

    private const int FlatPauseEvents = 1024;

    private const byte KindString = 1;

    private const byte KindNumber = 2;

    private const byte KindTrue = 3;

    private const byte KindFalse = 4;

    private const byte KindNull = 5;

    private const int PredictedPositions = 64;

    private static readonly double[] s_powersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    // Any byte that stops a string from being copied as it is: a backslash or a control byte.
    private static readonly SearchValues<byte> s_escapeOrControl = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'\\']);

    // The values phase one found, in document order.
    private FlatValue[]? _flatValues;

    // Events of one stream list their properties in the same order. Position k remembers the
    // name last seen there and what it matched, so the next event's k-th name costs one
    // comparison instead of a scan for its closing quote and a hash lookup.
    private Prediction[]? _predictions;

    private int _flatMisses;

    private int _flatPause;

    // Decodes a flat event completely and returns true, or returns false without having
    // called the sink, leaving the event to the general path.
    private bool TryDecodeFlat(ReadOnlySpan<byte> json, IFieldSink sink)
    {
        if (_flatPause > 0)
        {
            _flatPause--;
            return false;
        }

        int found = ScanFlat(json);
        if (found < 0)
        {
            return false;
        }

        var values = _flatValues!;
        for (int k = 0; k < found; k++)
        {
            ref readonly var value = ref values[k];
            switch (value.Kind)
            {
                case KindString:
                    sink.OnText(value.Field, json.Slice(value.Start, value.Length));
                    break;
                case KindNumber:
                    var token = json.Slice(value.Start, value.Length);
                    double number = value.Scale >= 0
                        ? Compose(value.Mantissa, value.Scale, negative: token[0] == (byte)'-')
                        : ParseNumber(token);
                    sink.OnNumber(value.Field, number, token);
                    break;
                case KindTrue:
                    sink.OnBoolean(value.Field, true);
                    break;
                case KindFalse:
                    sink.OnBoolean(value.Field, false);
                    break;
                default:
                    sink.OnNull(value.Field);
                    break;
            }
        }

        return true;
    }

    // The general path has just decoded an event this path gave up on: count a miss when the
    // event was well formed (so not flat), and pause after several in a row.
    private void NoteFlatMiss(DecodeError generalResult)
    {
        if (generalResult != DecodeError.None || _flatPause > 0)
        {
            return;
        }

        _flatMisses++;
        if (_flatMisses >= FlatMissesBeforePause)
        {
            _flatMisses = 0;
            _flatPause = FlatPauseEvents;
        }
    }

    // Phase one. Returns how many requested values it noted, or −1 to give up. Stamps each
    // noted field as reported in this event; a caller that gives up starts a new event, which
    // forgets the stamps.
    private int ScanFlat(ReadOnlySpan<byte> json)
    {
        EnsureFlatState();
        var values = _flatValues!;

        // Most events hold neither an escape nor a control byte anywhere. One vectorised search
        // settles that for the whole event, and then a string ends at the next quote.
        bool plain = !json.ContainsAny(s_escapeOrControl);

        int found = 0;
        int i = SkipWhitespace(json, 0);
        if ((uint)i >= (uint)json.Length || json[i] != (byte)'{')
        {
            return -1;
        }

        i = SkipWhitespace(json, i + 1);
        if ((uint)i < (uint)json.Length && json[i] == (byte)'}')
        {
            return SkipWhitespace(json, i + 1) == json.Length ? 0 : -1;
        }

        for (int position = 0; ; position++)
        {
            // The property name, usually the one the previous event had here.
            if ((uint)i >= (uint)json.Length || json[i] != (byte)'"')
            {
                return -1;
            }

            int nameStart = i + 1;
            int nameEnd = MatchPredicted(position, json, nameStart, out var node);
            if (nameEnd < 0)
            {
                nameEnd = ScanString(json, nameStart, plain);
                if (nameEnd < 0)
                {
                    return -1;
                }

                node = Predict(position, json[nameStart..nameEnd]);
            }

            i = SkipWhitespace(json, nameEnd + 1);
            if ((uint)i >= (uint)json.Length || json[i] != (byte)':')
            {
                return -1;
            }

            // The value.
            i = SkipWhitespace(json, i + 1);
            if ((uint)i >= (uint)json.Length)
            {
                return -1;
            }

            int start = i;
            byte kind;
            ulong mantissa = 0;
            int numberScale = -1;
            switch (json[i])
            {
                case (byte)'"':
                    start = i + 1;
                    int end = ScanString(json, start, plain);
                    if (end < 0)
                    {
                        return -1;
                    }

                    kind = KindString;
                    i = end + 1;
                    break;
                case (byte)'t':
                    kind = KindTrue;
                    i = ScanLiteral(json, i, "true"u8);
                    break;
                case (byte)'f':
                    kind = KindFalse;
                    i = ScanLiteral(json, i, "false"u8);
                    break;
                case (byte)'n':
                    kind = KindNull;
                    i = ScanLiteral(json, i, "null"u8);
                    break;
                default:
                    kind = KindNumber;
                    i = ScanNumber(json, i, out mantissa, out numberScale);
                    break;
            }

            if (i < 0)
            {
                return -1;
            }

            if (node is { Field: >= 0 } && _reportedIn[node.Field] != _event)
            {
                _reportedIn[node.Field] = _event;
                ref var value = ref values[found];
                value.Field = node.Field;
                value.Kind = kind;
                value.Start = start;
                value.Length = (kind == KindString ? i - 1 : i) - start;
                value.Mantissa = mantissa;
                value.Scale = numberScale;
                found++;
            }

            // A comma and the next property, or the end of the object and of the event.
            i = SkipWhitespace(json, i);
            if ((uint)i >= (uint)json.Length)
            {
                return -1;
            }

            if (json[i] == (byte)',')
            {
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            if (json[i] != (byte)'}')
            {
                return -1;
            }

            return SkipWhitespace(json, i + 1) == json.Length ? found : -1;
        }
    }

    private void EnsureFlatState()
    {
        if (_flatValues is not null)
        {
            return;
        }

        _flatValues = new FlatValue[_reportedIn.Length];
        _predictions = new Prediction[PredictedPositions];
    }

    // When the name starting at nameStart is the one remembered for this position, returns the
    // index of its closing quote and the node it matched; otherwise −1. A remembered name passed
    // ScanString when it was first seen, so it holds no quote, escape or control byte, and the
    // same bytes followed by a quote are the same complete name.
    private int MatchPredicted(int position, ReadOnlySpan<byte> json, int nameStart, out JsonPathNode? node)
    {
        var predictions = _predictions!;
        if ((uint)position < (uint)predictions.Length)
        {
            ref readonly var prediction = ref predictions[position];
            if (prediction.Name is { } known
                && json[nameStart..].StartsWith(known.AsSpan(0, prediction.Length + 1)))
            {
                node = prediction.Node;
                return nameStart + prediction.Length;
            }
        }

        node = null;
        return -1;
    }

    // The node a top-level name matches, or null; remembers the answer for the next event.
    private JsonPathNode? Predict(int position, ReadOnlySpan<byte> name)
    {
        var node = _root.Find(name);
        if (position >= PredictedPositions)
        {
            return node;
        }

        // The buffer holds the name and its closing quote. It is kept and only replaced by a
        // longer one, so a steady stream allocates nothing here.
        ref var prediction = ref _predictions![position];
        if (prediction.Name is not { } known || known.Length <= name.Length)
        {
            known = prediction.Name = new byte[Math.Max(name.Length + 1, 16)];
        }

        name.CopyTo(known);
        known[name.Length] = (byte)'"';
        prediction.Length = name.Length;
        prediction.Node = node;
        return node;
    }

    // Most tokens are not preceded by whitespace, so that case is decided inline.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i < (uint)json.Length && json[i] > (byte)' ')
        {
            return i;
        }

        return SkipWhitespaceLoop(json, i);
    }

    private static int SkipWhitespaceLoop(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    // Returns the index of the closing quote of a string whose text starts at i, or −1 for an
    // escape or a control character, which this path leaves to the general one. In a plain
    // event there are none of those, so only the quote is looked for.
    private static int ScanString(ReadOnlySpan<byte> json, int i, bool plain)
    {
        // Plain loops: event strings are short, and on them a vectorised search (tried) costs
        // more than it saves.
        if (plain)
        {
            while ((uint)i < (uint)json.Length)
            {
                if (json[i] == (byte)'"')
                {
                    return i;
                }

                i++;
            }

            return -1;
        }

        while ((uint)i < (uint)json.Length)
        {
            byte b = json[i];
            if (b == (byte)'"')
            {
                return i;
            }

            if (b == (byte)'\\' || b < 0x20)
            {
                return -1;
            }

            i++;
        }

        return -1;
    }

    private static int ScanLiteral(ReadOnlySpan<byte> json, int i, ReadOnlySpan<byte> literal) =>
        json[i..].StartsWith(literal) ? i + literal.Length : -1;

    // JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?. Returns the
    // index after the number, or −1. What follows is checked by the caller, so "01" fails there.
    // The digits are gathered on the way, so a short decimal needs no second pass to parse.
    private static int ScanNumber(ReadOnlySpan<byte> json, int i, out ulong mantissa, out int scale)
    {
        mantissa = 0;
        scale = 0;
        int digits = 0;
        if ((uint)i < (uint)json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if ((uint)i >= (uint)json.Length || !IsDigit(json[i]))
        {
            return -1;
        }

        if (json[i] == (byte)'0')
        {
            i++;
            digits = 1;
        }
        else
        {
            while ((uint)i < (uint)json.Length && IsDigit(json[i]))
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                digits++;
                i++;
            }
        }

        if ((uint)i < (uint)json.Length && json[i] == (byte)'.')
        {
            i++;
            if ((uint)i >= (uint)json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            while ((uint)i < (uint)json.Length && IsDigit(json[i]))
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                digits++;
                scale++;
                i++;
            }
        }

        if ((uint)i < (uint)json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if ((uint)i < (uint)json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if ((uint)i >= (uint)json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            i = SkipDigits(json, i);
            scale = -1;
        }

        // Past 15 digits the integer may not be exact in a double (or may have wrapped).
        if (digits > 15)
        {
            scale = -1;
        }

        return i;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && IsDigit(json[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    // A number of at most 15 digits and no exponent is m / 10^s with m and 10^s both exact
    // doubles, so one correctly rounded division gives the correctly rounded value: the same
    // double any exact parser returns, at a fraction of the cost.
    private static double Compose(ulong mantissa, int scale, bool negative)
    {
        Debug.Assert(scale is >= 0 and <= 15 && mantissa < 1_000_000_000_000_000UL);

        double value = mantissa / s_powersOfTen[scale];
        return negative ? -value : value;
    }

    // The double nearest to any other valid JSON number token, the same value Utf8JsonReader
    // gives.
    private static double ParseNumber(ReadOnlySpan<byte> token)
    {
        if (Utf8Parser.TryParse(token, out double value, out int consumed)
            && consumed == token.Length
            && double.IsFinite(value))
        {
            return value;
        }

        return ParseNumberFallback(token);
    }

    // One value phase one found: field, kind, and where the value's bytes lie (a string's
    // without its quotes). For a number of at most 15 digits and no exponent, Mantissa holds
    // its digits as an integer and Scale how many of them follow the point; Scale is −1 for
    // any other number, which is parsed from its token.
    private struct FlatValue
    {
        public int Field;

        public int Start;

        public int Length;

        public int Scale;

        public ulong Mantissa;

        public byte Kind;
    }

    // A name remembered for one position: its bytes followed by the closing quote, its length
    // without the quote, and the node it matched.
    private struct Prediction
    {
        public byte[]? Name;

        public int Length;

        public JsonPathNode? Node;
    }
}
