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

    /// <summary>Not countable; counted by its <see cref="EventRecord.Problem"/>.</summary>
    Skipped,
}
