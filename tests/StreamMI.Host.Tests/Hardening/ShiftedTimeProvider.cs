namespace StreamMI.Host.Tests.Hardening;

/// <summary>The system clock plus an offset that a test moves forward, so that "30 seconds
/// without progress" can be reached without waiting 30 seconds.</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() =>
        System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    // Timestamps run in Stopwatch ticks; the offset is kept in TimeSpan ticks.
    public override long GetTimestamp() =>
        System.GetTimestamp()
        + (long)(Interlocked.Read(ref _offsetTicks) * (double)TimestampFrequency / TimeSpan.TicksPerSecond);
}
