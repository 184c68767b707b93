using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <summary>
/// One thread's share of a whole-stream count: a tally of cells shaped like its engine's tables,
/// which the engine adds to its own with <see cref="MonitorEngine.Merge"/> once the thread is done.
/// </summary>
/// <remarks>
/// <para>
/// Whole-stream counts are additive, so threads that each count part of the input into their own
/// shard and then merge give the engine exactly the tables one thread would have built from all
/// of it. Each counter of a shard changes with a plain store, and no two threads ever write the
/// same cache line, where counting into shared tables would need an interlocked operation on
/// counters that every thread touches (the target margin above all). A shard counts cells only
/// (<see cref="WholeStreamTally"/>): nobody reads its estimates, so it leaves the margins and the
/// φ sums to the merge, which derives them from the cells once instead of on every event. That
/// makes counting into a shard cheaper than counting into the engine even for a single thread.
/// </para>
/// <para>
/// A shard is made after the warm-up (<see cref="MonitorEngine.CreateShard"/>): the numeric bin
/// edges are frozen and the pairs chosen, and the shard reads them from its engine. It also
/// numbers categorical levels through its engine's encoders, which take any number of threads,
/// so a level means the same value in every shard and in the engine.
/// </para>
/// <para>
/// Threads: a shard belongs to one thread at a time; its engine's <see cref="MonitorEngine.Merge"/>
/// reads it after that thread has finished (a thread join, for example, makes its writes visible).
/// </para>
/// </remarks>
public sealed class CountingShard : IEventCounter
{
    // Events asked of the engine at a time: one interlocked operation per this many events.
    private const long ReserveEvents = 65_536;

    private readonly MonitorEngine _engine;
    private readonly long[] _skipped = new long[SkipReasons.All.Count];
    private long _counted;
    private long _allowance;

    internal CountingShard(MonitorEngine engine, WholeStreamTally tally)
    {
        _engine = engine;
        Tally = tally;
    }

    /// <summary>The engine that made this shard and merges it.</summary>
    public MonitorEngine Engine => _engine;

    /// <summary>The shard's own cells: whole stream, single writer.</summary>
    public WholeStreamTally Tally { get; }

    /// <summary>Events counted in this shard.</summary>
    public long Counted => _counted;

    /// <summary>True once the engine has merged this shard, which then takes no more events.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>Events the engine has granted this shard room for under the window's limit.</summary>
    public long Reserved { get; private set; }

    /// <summary>Events skipped in this shard for one reason.</summary>
    public long Skipped(SkipReason reason) => _skipped[(int)reason];

    /// <summary>
    /// Counts a decoded event into the shard, by the rules of <see cref="MonitorEngine.Apply(EventRecord)"/>
    /// after the warm-up: an event with a problem, or without a target, is skipped and counted by
    /// reason; an event that would take the engine past its window's limit, counting every
    /// shard's room, is skipped as <see cref="SkipReason.WindowFull"/>; any other is counted.
    /// Never returns <see cref="ApplyOutcome.Buffered"/> or <see cref="ApplyOutcome.Late"/>.
    /// </summary>
    /// <remarks>
    /// A shard takes room under the limit from its engine in blocks, which shrink near the limit,
    /// so the merged tables never pass it. Which events find the window full depends on how the
    /// threads interleave, and a shard can find it full while another still holds room: if the
    /// other's remaining events do not use that room up, the shards count a few events fewer than
    /// one thread would (each such shard at most a sixteenth of the room left when it was granted).
    /// </remarks>
    public ApplyOutcome Apply(EventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (IsMerged)
        {
            throw new InvalidOperationException("The shard was merged: its counts are the engine's now.");
        }

        if (MonitorEngine.ProblemOf(record) is { } problem)
        {
            CountSkipped(problem);
            return ApplyOutcome.Skipped;
        }

        var features = record.FeatureLevels;
        var target = _engine.EncodeLevels(record.LevelsBuffer, record.Numbers, features);
        if (target == Levels.Missing)
        {
            CountSkipped(SkipReason.MissingTarget);
            return ApplyOutcome.Skipped;
        }

        if (_allowance == 0 && !Reserve())
        {
            CountSkipped(SkipReason.WindowFull);
            return ApplyOutcome.WindowFull;
        }

        // Without panes, and within the room reserved, the whole stream takes every event.
        Tally.Count(features, target, record.EventTimeMs);
        _allowance--;
        _counted++;
        return ApplyOutcome.Counted;
    }

    /// <summary>Counts an event that the decoder could not read, by reason.</summary>
    public void CountSkipped(SkipReason reason) => _skipped[(int)reason]++;

    private bool Reserve()
    {
        var granted = _engine.ReserveForShard(ReserveEvents);
        Reserved += granted;
        _allowance = granted;
        return granted > 0;
    }

    /// <summary>Marks the shard merged; the engine calls it once, after adding the counts.</summary>
    internal void MarkMerged() => IsMerged = true;
}
