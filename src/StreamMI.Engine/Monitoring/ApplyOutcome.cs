namespace StreamMI.Engine.Monitoring;

/// <summary>What <see cref="MonitorEngine.Apply"/> did with an event.</summary>
public enum ApplyOutcome
{
    /// <summary>Counted into the window.</summary>
    Counted,

    /// <summary>Held until numeric bin edges are learned; it will be counted then.</summary>
    Buffered,

    /// <summary>Older than the window; counted as late and not applied.</summary>
    Late,

    /// <summary>
    /// Not countable; counted by its <see cref="EventRecord.Problem"/>, or as
    /// <see cref="SkipReason.MissingTarget"/> when its target has no level.
    /// </summary>
    Skipped,

    /// <summary>
    /// Not counted because the window already holds as many events as it can; counted as
    /// <see cref="SkipReason.WindowFull"/>. The event itself is valid.
    /// </summary>
    WindowFull,
}
