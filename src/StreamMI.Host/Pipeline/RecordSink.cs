using System.Buffers.Text;
using System.Globalization;
using StreamMI.Decoding;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Pipeline;

/// <summary>
/// Hands decoded values to an engine <see cref="EventRecord"/>: field i of the decoder is field i
/// of the record, and one optional extra field carries the event time.
/// </summary>
/// <remarks>
/// The event-time field accepts a JSON number of Unix milliseconds or an ISO 8601 text. Any
/// other value marks the event <see cref="SkipReason.MissingTimestamp"/>.
/// </remarks>
public sealed class RecordSink : IFieldSink
{
    private readonly int _timeField;

    /// <summary>Creates a sink; <paramref name="timeField"/> is the decoder index of the event time, or −1.</summary>
    public RecordSink(EventRecord record, int timeField = -1)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        _timeField = timeField;
    }

    /// <summary>The record being filled.</summary>
    public EventRecord Record { get; }

    /// <summary>True once the event-time field was seen with a valid value.</summary>
    public bool HasTime { get; private set; }

    /// <summary>Resets the record for the next event.</summary>
    public void Reset()
    {
        Record.Reset();
        HasTime = false;
    }

    /// <inheritdoc />
    public void OnText(int field, ReadOnlySpan<byte> utf8)
    {
        if (field == _timeField)
        {
            SetTime(utf8);
            return;
        }

        Record.SetText(field, utf8);
    }

    /// <inheritdoc />
    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken)
    {
        if (field == _timeField)
        {
            if (double.IsFinite(value))
            {
                Record.EventTimeMs = (long)value;
                HasTime = true;
            }

            return;
        }

        Record.SetNumber(field, value, rawToken);
    }

    /// <inheritdoc />
    public void OnBoolean(int field, bool value)
    {
        if (field != _timeField)
        {
            Record.SetBoolean(field, value);
        }
    }

    /// <inheritdoc />
    public void OnNull(int field)
    {
        if (field != _timeField)
        {
            Record.SetMissing(field);
        }
    }

    /// <summary>The engine's reason for a decoder error.</summary>
    public static SkipReason ToSkipReason(DecodeError error) => error switch
    {
        DecodeError.MalformedJson => SkipReason.MalformedJson,
        DecodeError.InvalidUtf8 => SkipReason.InvalidUtf8,
        DecodeError.NotAnObject => SkipReason.NotAnObject,
        DecodeError.TooDeep => SkipReason.TooDeep,
        DecodeError.Oversized => SkipReason.Oversized,
        DecodeError.MalformedCsvRow => SkipReason.MalformedCsvRow,
        DecodeError.WrongFieldCount => SkipReason.WrongFieldCount,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Not an error."),
    };

    private void SetTime(ReadOnlySpan<byte> utf8)
    {
        if (Utf8Parser.TryParse(utf8, out long millis, out var consumed) && consumed == utf8.Length)
        {
            Record.EventTimeMs = millis;
            HasTime = true;
            return;
        }

        Span<char> chars = stackalloc char[64];
        if (utf8.Length <= chars.Length
            && System.Text.Encoding.UTF8.TryGetChars(utf8, chars, out var written)
            && DateTimeOffset.TryParse(
                chars[..written],
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var time))
        {
            Record.EventTimeMs = time.ToUnixTimeMilliseconds();
            HasTime = true;
        }
    }
}
