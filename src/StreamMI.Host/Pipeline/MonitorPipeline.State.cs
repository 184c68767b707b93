using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.State;
using StreamMI.Host.Configuration;

namespace StreamMI.Host.Pipeline;

/// <content>
/// State operations for partitioned state. Each runs on the counting stage between two events
/// (or on the caller's thread once the stage has stopped), so it sees the window at a cut where
/// every partition's counted offset matches its panes exactly.
/// </content>
public sealed partial class MonitorPipeline
{
    // Partitions whose events this pipeline counts. Counting stage only.
    private readonly HashSet<int> _owned = [];
    private int _ownedCount;
    private int _peerCount;
    private long _notCounted;

    /// <summary>Input partitions this replica owns and counts, as of the last state operation.</summary>
    internal int OwnedPartitions => Volatile.Read(ref _ownedCount);

    /// <summary>Partitions of other replicas merged into this replica's window.</summary>
    internal int PeerPartitions => Volatile.Read(ref _peerCount);

    /// <summary>
    /// Messages not counted because their partition was not owned any more or their offset was
    /// below the partition's counted offset (fetched again after a restore).
    /// </summary>
    internal long NotCounted => Volatile.Read(ref _notCounted);

    /// <summary>
    /// Takes ownership of a partition: restores its saved panes, counted up to (not including)
    /// <paramref name="nextOffset"/>, or starts it empty when <paramref name="state"/> is null.
    /// A state that does not fit leaves the partition empty and says why.
    /// </summary>
    internal Task<StateImportResult> AssignPartitionAsync(
        int partition,
        PartitionState? state,
        long nextOffset)
    {
        var problem = state is null ? null : EnsureEngine(state);
        return RunOnCountingStageAsync(() =>
        {
            _owned.Add(partition);
            var engine = _state?.Engine;
            var result = problem is not null ? StateImportResult.Incompatible(problem)
                : state is null ? StateImportResult.Imported
                : engine!.ImportPartition(partition, state);
            if (state is not null && result.Succeeded)
            {
                _countedNext[partition] = nextOffset;
            }
            else
            {
                engine?.RemovePartition(partition);
                _countedNext.TryRemove(partition, out _);
            }

            UpdatePartitionCounts();
            return result;
        });
    }

    /// <summary>
    /// Copies of the owned partitions whose counted offset differs from the one in
    /// <paramref name="written"/>, with that offset; only those in <paramref name="only"/> when
    /// given. Nothing while numeric bin edges are still being learned: events held for the
    /// warm-up are in no pane yet, so no offset past them describes the panes.
    /// </summary>
    internal Task<IReadOnlyList<(int Partition, long NextOffset, PartitionState State)>> SnapshotOwnedAsync(
        IReadOnlyCollection<int>? only,
        IReadOnlyDictionary<int, long> written)
    {
        var known = new Dictionary<int, long>(written);
        return RunOnCountingStageAsync<IReadOnlyList<(int, long, PartitionState)>>(() =>
        {
            var engine = _state?.Engine;
            if (engine is null || engine.IsWarmingUp)
            {
                return [];
            }

            var states = new List<(int, long, PartitionState)>();
            foreach (var partition in _owned.Order())
            {
                if ((only is null || only.Contains(partition))
                    && _countedNext.TryGetValue(partition, out var next)
                    && (!known.TryGetValue(partition, out var saved) || saved != next))
                {
                    states.Add((partition, next, engine.ExportPartition(partition)));
                }
            }

            return states;
        });
    }

    /// <summary>
    /// Gives up partitions: their events are no longer counted here, and their panes stay in the
    /// window as a peer's until their new owner's saved state replaces them.
    /// </summary>
    internal Task ReleasePartitionsAsync(IReadOnlyCollection<int> partitions) =>
        RunOnCountingStageAsync(() =>
        {
            foreach (var partition in partitions)
            {
                _owned.Remove(partition);
                _countedNext.TryRemove(partition, out _);
            }

            UpdatePartitionCounts();
            return true;
        });

    /// <summary>
    /// Merges in the saved state of a partition another replica owns, replacing what this replica
    /// had of it. Returns null, and changes nothing, when this replica owns the partition.
    /// </summary>
    internal Task<StateImportResult?> MergePeerPartitionAsync(int partition, PartitionState state)
    {
        if (EnsureEngine(state) is { } problem)
        {
            return Task.FromResult<StateImportResult?>(StateImportResult.Incompatible(problem));
        }

        return RunOnCountingStageAsync(() =>
        {
            if (_owned.Contains(partition))
            {
                return null;
            }

            var result = _state!.Engine.ImportPartition(partition, state);
            UpdatePartitionCounts();
            return result;
        });
    }

    // A message of a partition not owned here (revoked while it waited in a lane) belongs to the
    // partition's new owner, and one below the counted offset was fetched again after a restore
    // moved the partition back: either way it is counted elsewhere or was counted already.
    private bool IsCountable(in InboundMessage message)
    {
        if (_owned.Contains(message.Partition)
            && !(_countedNext.TryGetValue(message.Partition, out var next) && message.Offset < next))
        {
            return true;
        }

        Interlocked.Increment(ref _notCounted);
        return false;
    }

    private void UpdatePartitionCounts()
    {
        Volatile.Write(ref _ownedCount, _owned.Count);
        var merged = _state?.Engine.Tables.PartitionIds ?? [];
        Volatile.Write(ref _peerCount, merged.Count(p => !_owned.Contains(p)));
    }

    private async Task<T> RunOnCountingStageAsync<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            try
            {
                done.SetResult(action());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                done.SetException(ex);
            }
        }

        try
        {
            await _counting.Writer.WriteAsync(new CountingItem(null, Run)).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The counting stage is stopping: once it has drained, nothing else touches the
            // engine, so the action runs here.
            await _completion.ConfigureAwait(false);
            Run();
        }

        return await done.Task.ConfigureAwait(false);
    }

    // A restarted replica may restore state before any event tells it the stream's fields; the
    // saved fields and kinds then make the schema, through the same selection as an event would.
    private string? EnsureEngine(PartitionState state)
    {
        if (_state is not null)
        {
            return null;
        }

        lock (_schemaGate)
        {
            if (_state is not null)
            {
                return null;
            }

            var kinds = new Dictionary<string, FeatureKind>(StringComparer.Ordinal);
            foreach (var field in state.Fields)
            {
                kinds[field.Name] = field.Kind;
            }

            try
            {
                var names = state.Fields.Select(f => f.Name).ToList();
                var created = CreateState(
                    names,
                    field => kinds.TryGetValue(field, out var kind)
                        ? (kind, "as saved with the window state")
                        : null);
                var features = created.Engine.Schema.Features;
                LogSchemaRestored(_logger, Name, features.Count, string.Join(", ", features.Select(f => $"{f.Name}:{f.Kind}")));
                _state = created;
                return null;
            }
            catch (Exception ex) when (ex is ConfigurationException or ArgumentException)
            {
                return $"this monitor cannot count its saved fields ({ex.Message})";
            }
        }
    }

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "Monitor {Monitor} took {Count} features from its saved window state: {Features}")]
    private static partial void LogSchemaRestored(ILogger logger, string monitor, int count, string features);
}
