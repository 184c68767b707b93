using StreamMI.Engine.Monitoring;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// A test aid that stalls a pipeline's counting stage: the stage calls the observer once per
/// event on its own thread, right after the event is applied, and this observer holds it there
/// while the gate is closed. No production code sleeps or waits for it.
/// </summary>
internal sealed class GatedObserver : IPipelineObserver
{
    private volatile TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Events that reached the observer, each after it was applied.</summary>
    public long Seen => Interlocked.Read(ref _seen);

    private long _seen;

    public void Open() => _open.TrySetResult();

    public void Counted(long eventTimeMs, long receivedTicks) => Pass();

    public void Skipped(SkipReason reason) => Pass();

    public void Late() => Pass();

    private void Pass()
    {
        Interlocked.Increment(ref _seen);
        _open.Task.Wait();
    }
}
