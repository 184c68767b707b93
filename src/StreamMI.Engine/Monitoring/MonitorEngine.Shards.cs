using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <content>
/// Per-thread counting shards of a whole-stream monitor, merged into its tables at the end.
/// </content>
public sealed partial class MonitorEngine
{
    /// <summary>
    /// Creates a shard that one thread counts into with single-writer tables shaped like this
    /// engine's (same capacities, same pairs), for <see cref="Merge"/> to add to the engine's
    /// tables later. Needs a whole-stream engine without partition state
    /// (<c>partitionState: false</c>) whose warm-up is over, so that the bin edges and pairs are
    /// fixed.
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

        var tables = new WindowedTables(
            WindowSpec.WholeStream,
            [.. Tables.Features.Select(m => m.Levels)],
            Tables.Target.Levels,
            Tables.PairFeatures,
            Tables.PairLevelCap,
            concurrentWriters: false,
            partitionPanes: false);
        return new CountingShard(this, tables);
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

        Tables.AddCounts(shard.Tables);
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
}
