using System.Buffers.Text;
using System.Diagnostics;

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

    // The values phase one found, in document order: field, kind, and where the value's
    // bytes lie (a string's without its quotes).
    private int[]? _flatFields;

    private byte[]? _flatKinds;

    private int[]? _flatStarts;

    private int[]? _flatLengths;

    // For a number of at most 15 digits and no exponent, its digits as an integer and how many
    // of them follow the point; −1 for any other number, which is parsed from its token.
    private ulong[]? _flatMantissas;

    private int[]? _flatScales;

    // Events of one stream list their properties in the same order. Position k remembers the
    // name last seen there and what it matched, so the next event's k-th name costs one
    // comparison instead of a hash lookup.
    private byte[]?[]? _predictedNames;

    private int[]? _predictedLengths;

    private JsonPathNode?[]? _predictedNodes;

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

        for (int i = 0; i < found; i++)
        {
            var value = json.Slice(_flatStarts![i], _flatLengths![i]);
            int field = _flatFields![i];
            switch (_flatKinds![i])
            {
                case KindString:
                    sink.OnText(field, value);
                    break;
                case KindNumber:
                    int scale = _flatScales![i];
                    double number = scale >= 0
                        ? Compose(_flatMantissas![i], scale, negative: value[0] == (byte)'-')
                        : ParseNumber(value);
                    sink.OnNumber(field, number, value);
                    break;
                case KindTrue:
                    sink.OnBoolean(field, true);
                    break;
                case KindFalse:
                    sink.OnBoolean(field, false);
                    break;
                default:
                    sink.OnNull(field);
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
        int found = 0;
        int i = SkipWhitespace(json, 0);
        if (i >= json.Length || json[i] != (byte)'{')
        {
            return -1;
        }

        i = SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == (byte)'}')
        {
            return SkipWhitespace(json, i + 1) == json.Length ? 0 : -1;
        }

        for (int position = 0; ; position++)
        {
            // The property name.
            if (i >= json.Length || json[i] != (byte)'"')
            {
                return -1;
            }

            int nameStart = i + 1;
            int nameEnd = ScanString(json, nameStart);
            if (nameEnd < 0)
            {
                return -1;
            }

            var node = FindPredicted(position, json[nameStart..nameEnd]);
            i = SkipWhitespace(json, nameEnd + 1);
            if (i >= json.Length || json[i] != (byte)':')
            {
                return -1;
            }

            // The value.
            i = SkipWhitespace(json, i + 1);
            if (i >= json.Length)
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
                    int end = ScanString(json, start);
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

            int length = (kind == KindString ? i - 1 : i) - start;
            if (node is { Field: >= 0 } && _reportedIn[node.Field] != _event)
            {
                _reportedIn[node.Field] = _event;
                _flatFields![found] = node.Field;
                _flatKinds![found] = kind;
                _flatStarts![found] = start;
                _flatLengths![found] = length;
                _flatMantissas![found] = mantissa;
                _flatScales![found] = numberScale;
                found++;
            }

            // A comma and the next property, or the end of the object and of the event.
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
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
        if (_flatFields is not null)
        {
            return;
        }

        int fields = _reportedIn.Length;
        _flatFields = new int[fields];
        _flatKinds = new byte[fields];
        _flatStarts = new int[fields];
        _flatLengths = new int[fields];
        _flatMantissas = new ulong[fields];
        _flatScales = new int[fields];
        _predictedNames = new byte[]?[PredictedPositions];
        _predictedLengths = new int[PredictedPositions];
        _predictedNodes = new JsonPathNode?[PredictedPositions];
    }

    // The node a top-level name matches, or null; remembers the answer for the next event.
    private JsonPathNode? FindPredicted(int position, ReadOnlySpan<byte> name)
    {
        if (position >= PredictedPositions)
        {
            return _root.Find(name);
        }

        var names = _predictedNames!;
        var known = names[position];
        if (known is not null
            && _predictedLengths![position] == name.Length
            && name.SequenceEqual(known.AsSpan(0, name.Length)))
        {
            return _predictedNodes![position];
        }

        var node = _root.Find(name);

        // The buffer is kept and only replaced by a longer one, so a steady stream allocates
        // nothing here.
        if (known is null || known.Length < name.Length)
        {
            known = names[position] = new byte[Math.Max(name.Length, 16)];
        }

        name.CopyTo(known);
        _predictedLengths![position] = name.Length;
        _predictedNodes![position] = node;
        return node;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    // Returns the index of the closing quote of a string whose text starts at i, or −1 for an
    // escape or a control character, which this path leaves to the general one.
    private static int ScanString(ReadOnlySpan<byte> json, int i)
    {
        // A plain loop: event strings are short, and on them a vectorised search (tried) costs
        // more than it saves.
        while (i < json.Length)
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
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]))
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
            while (i < json.Length && IsDigit(json[i]))
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                digits++;
                i++;
            }
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (i >= json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            while (i < json.Length && IsDigit(json[i]))
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                digits++;
                scale++;
                i++;
            }
        }

        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
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
        while (i < json.Length && IsDigit(json[i]))
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
}
