namespace StreamMI.Engine.Monitoring;

/// <summary>Why an event was not counted. Each is counted separately and never stops a monitor.</summary>
public enum SkipReason
{
    /// <summary>The bytes are not valid JSON.</summary>
    MalformedJson,

    /// <summary>The bytes are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The JSON is valid but not an object.</summary>
    NotAnObject,

    /// <summary>The JSON nests deeper than the configured limit.</summary>
    TooDeep,

    /// <summary>The message is larger than the configured limit.</summary>
    Oversized,

    /// <summary>A CSV row could not be parsed (for example an unterminated quote).</summary>
    MalformedCsvRow,

    /// <summary>A CSV row has another number of fields than the header.</summary>
    WrongFieldCount,

    /// <summary>The target field is absent, empty or null.</summary>
    MissingTarget,

    /// <summary>A field has a value its kind cannot take, such as text in a numeric field.</summary>
    WrongType,

    /// <summary>The configured event-time field is absent or not a time.</summary>
    MissingTimestamp,

    /// <summary>The message has no value (a tombstone).</summary>
    EmptyMessage,

    /// <summary>The event time lies further ahead of the worker's clock than a window length:
    /// counted, it would move a sliding window past every real event.</summary>
    FutureTimestamp,

    /// <summary>The window already holds <see cref="Counting.EntropyTerms.MaxWindowEvents"/> events, and
    /// counting more would overflow its fixed-point entropy sums. The event is skipped and counted
    /// here; counting resumes when old panes leave a sliding or tumbling window and make room, and
    /// never for a whole-stream window.</summary>
    WindowFull,
}
