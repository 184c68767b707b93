using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Pipeline;

/// <summary>Told by the counting stage what happened to each event, for metrics.</summary>
public interface IPipelineObserver
{
    /// <summary>An observer that ignores everything.</summary>
    public static IPipelineObserver None { get; } = new NoObserver();

    /// <summary>An event was counted; its event time and the moment it was received.</summary>
    void Counted(long eventTimeMs, long receivedTicks);

    /// <summary>An event was skipped.</summary>
    void Skipped(SkipReason reason);

    /// <summary>An event was too late for the window.</summary>
    void Late();

    private sealed class NoObserver : IPipelineObserver
    {
        public void Counted(long eventTimeMs, long receivedTicks)
        {
        }

        public void Skipped(SkipReason reason)
        {
        }

        public void Late()
        {
        }
    }
}
