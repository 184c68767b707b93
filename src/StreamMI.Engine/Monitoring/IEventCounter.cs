namespace StreamMI.Engine.Monitoring;

/// <summary>
/// Where decoded events are counted: a monitor's <see cref="MonitorEngine"/>, or one thread's
/// <see cref="CountingShard"/> of it. A reader that feeds either needs nothing else.
/// </summary>
public interface IEventCounter
{
    /// <summary>Counts a decoded event, or counts it skipped by reason.</summary>
    ApplyOutcome Apply(EventRecord record);

    /// <summary>Counts an event that the decoder could not read, by reason.</summary>
    void CountSkipped(SkipReason reason);
}
