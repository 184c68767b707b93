using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <content>
/// Per-thread counting shards of a whole-stream monitor, merged into its tables at the end.
/// </content>
public sealed partial class MonitorEngine
{
    // Events that shards may count and have not yet been merged: the window's limit covers them
    // with the engine's own events, so the merged tables never pass it.
    private long _shardReserved;

    /// <summary>
    /// Creates a shard that one thread counts into, with a tally of cells shaped like this
    /// engine's tables (same capacities, same pairs), for <see cref="Merge"/> to add to the
    /// engine's tables later. Needs a whole-stream engine without partition state
    /// (<c>partitionState: false</c>) whose warm-up is over, so that the bin edges and pairs are
    /// fixed. While shards are out, the engine itself should count nothing: the window's limit
    /// leaves room for the engine's events as they stand when a shard asks for more.
    /// </summary>
    public CountingShard CreateShard()
    {
        if (IsWarmingUp)
        {
            throw new InvalidOperationException(
                "The bin edges are still being learned; shards start after the warm-up.");
        }

        if (Tables.Window.Mode != WindowMode.WholeStream || Tables.KeepsPartitionPanes)
        {
            throw new InvalidOperationException(
                "Only a whole-stream monitor without partition state counts in shards: "
                + "merged counts would be missing from the panes.");
        }

        return new CountingShard(this, Tables.CreateTally());
    }

    /// <summary>
    /// Adds a shard's counts to this engine: every cell and margin of its tables, its event-time
    /// bounds, and its counted and skipped events. Runs on the engine's counting thread, after the
    /// shard's thread has finished with it; a shard merges once.
    /// </summary>
    public void Merge(CountingShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (!ReferenceEquals(shard.Engine, this))
        {
            throw new ArgumentException("The shard belongs to another engine.", nameof(shard));
        }

        if (shard.IsMerged)
        {
            throw new InvalidOperationException("The shard was merged already.");
        }

        Tables.AddCounts(shard.Tally);

        // The shard's events are the engine's now, and what it reserved but did not use is free.
        Interlocked.Add(ref _shardReserved, -shard.Reserved);
        foreach (var reason in SkipReasons.All)
        {
            if (shard.Skipped(reason) is var skipped and not 0)
            {
                Interlocked.Add(ref _skipped[(int)reason], skipped);
            }
        }

        Interlocked.Add(ref _counted, shard.Counted);
        shard.MarkMerged();
    }

    /// <summary>
    /// Grants a shard room for up to <paramref name="wanted"/> more events under the window's
    /// limit, counting the engine's events and every unmerged shard's grants; 0 when the window is
    /// full. Grants shrink as the room does, so that near the limit no shard holds much room that
    /// another could have used.
    /// </summary>
    internal long ReserveForShard(long wanted)
    {
        while (true)
        {
            var reserved = Volatile.Read(ref _shardReserved);
            var room = Tables.MaxEvents - Tables.Events - reserved;
            if (room <= 0)
            {
                return 0;
            }

            var grant = Math.Min(wanted, Math.Max(room / 16, 1));

            if (Interlocked.CompareExchange(ref _shardReserved, reserved + grant, reserved) == reserved)
            {
                return grant;
            }
        }
    }
}
