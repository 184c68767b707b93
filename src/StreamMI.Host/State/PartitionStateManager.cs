using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamMI.Engine.State;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.State;

/// <summary>
/// Saves and restores one monitor's window state per input partition, between its consume loop,
/// its pipeline and a state store.
/// </summary>
/// <remarks>
/// <para>
/// On assignment each partition is restored from its newest saved record and the input is sought
/// to the record's offset; a partition with no usable record starts empty from the group's
/// committed offset. <see cref="Checkpoint"/> saves the owned partitions whose counted offset
/// moved, each as the panes and the offset of the same cut, and returns those offsets: the
/// caller commits them to the consumer group only after they are saved. A partition's state is
/// a function of its own events, so whichever record is newest, restoring it and reading on from
/// its offset counts every event exactly once.
/// </para>
/// <para>
/// Records of partitions owned by other replicas arrive from the store's reader and are merged
/// into this replica's window, so every replica shows the whole stream.
/// </para>
/// <para>
/// Threads: <see cref="Restore"/>, <see cref="Checkpoint"/> and <see cref="Release"/> belong to
/// the consume loop's thread; records of other replicas arrive on the store's reader thread.
/// Counters may be read from any thread.
/// </para>
/// </remarks>
public sealed partial class PartitionStateManager : IDisposable
{
    /// <summary>Names of restore results, in counter order.</summary>
    public static readonly IReadOnlyList<string> RestoreResults = ["restored", "fresh", "corrupt", "incompatible"];

    /// <summary>Names of peer merge results, in counter order.</summary>
    public static readonly IReadOnlyList<string> PeerResults = ["merged", "corrupt", "incompatible"];

    private const int Restored = 0;
    private const int Fresh = 1;
    private const int Merged = 0;

    private readonly MonitorPipeline _pipeline;
    private readonly IPartitionStateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, long> _written = [];
    private readonly long[] _restores = new long[RestoreResults.Count];
    private readonly long[] _peers = new long[PeerResults.Count];
    private readonly Dictionary<int, string> _peerProblems = [];
    private long _saved;
    private long _saveFailures;

    /// <summary>Creates the manager of one monitor.</summary>
    public PartitionStateManager(
        MonitorPipeline pipeline,
        IPartitionStateStore store,
        TimeSpan interval,
        ILogger logger,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);

        _pipeline = pipeline;
        _store = store;
        Interval = interval;
        _logger = logger;
        _time = time;
    }

    /// <summary>How often owned partitions are saved.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The monitor's pipeline.</summary>
    public MonitorPipeline Pipeline => _pipeline;

    /// <summary>Where states are kept, for log lines.</summary>
    public string StoreDescription => _store.Description;

    /// <summary>Partition states saved.</summary>
    public long Saved => Interlocked.Read(ref _saved);

    /// <summary>Partition states that could not be saved.</summary>
    public long SaveFailures => Interlocked.Read(ref _saveFailures);

    /// <summary>
    /// Creates the manager and its store for a monitor when <c>StreamMI:State</c> names a topic or
    /// a directory; null otherwise.
    /// </summary>
    public static PartitionStateManager? CreateFor(
        StreamMIOptions options,
        MonitorOptions monitor,
        MonitorPipeline pipeline,
        ILoggerFactory loggers,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(loggers);

        var state = options.State;
        if (!state.Enabled)
        {
            return null;
        }

        IPartitionStateStore store = string.IsNullOrWhiteSpace(state.Topic)
            ? new FileStateStore(state.Directory!, pipeline.Name, pipeline.Topic)
            : new KafkaStateStore(
                options.Kafka,
                state.Topic.Trim(),
                pipeline.Name,
                pipeline.Topic,
                loggers.CreateLogger<KafkaStateStore>());
        return new PartitionStateManager(
            pipeline,
            store,
            state.IntervalValue,
            loggers.CreateLogger<PartitionStateManager>(),
            time);
    }

    /// <summary>Partitions restored on assignment with a result of <see cref="RestoreResults"/>.</summary>
    public long Restores(int result) => Interlocked.Read(ref _restores[result]);

    /// <summary>Other replicas' records with a result of <see cref="PeerResults"/>.</summary>
    public long PeerRecords(int result) => Interlocked.Read(ref _peers[result]);

    /// <summary>Opens the store; other replicas' records are merged from then on.</summary>
    public void Start() => _store.Start(OnPeerRecord);

    /// <summary>
    /// Takes ownership of newly assigned partitions, restoring each from its newest saved
    /// record. Returns the offset to read each from: the saved offset, or null for the group's
    /// committed offset when the partition starts empty.
    /// </summary>
    public IReadOnlyDictionary<int, long?> Restore(IReadOnlyCollection<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);

        var offsets = new Dictionary<int, long?>();
        try
        {
            _store.CatchUp();
        }
        catch (Exception ex) when (ex is IOException or KafkaException or InvalidOperationException)
        {
            LogCatchUpFailed(_logger, ex, _pipeline.Name, _store.Description);
        }

        foreach (var partition in partitions)
        {
            offsets[partition] = RestoreOne(partition);
        }

        return offsets;
    }

    /// <summary>
    /// Saves the owned partitions (only <paramref name="only"/> when given) whose counted offset
    /// moved since their last save. Returns the offset of the newest saved or restored record of
    /// every such owned partition, whether saved now or before, to be committed; null when saving
    /// failed and nothing may be committed.
    /// </summary>
    /// <remarks>
    /// Offsets saved before are returned again so that a commit that failed (a rebalance, the
    /// coordinator away) is retried at the next checkpoint, and a restored partition's offset
    /// reaches the group as well: a partition whose record is later refused starts from the
    /// group's committed offset, and that offset must not trail the state it replaces, or the
    /// events between the two would be counted again. The caller leaves out offsets the group
    /// already holds.
    /// </remarks>
    public IReadOnlyDictionary<int, long>? Checkpoint(IReadOnlyCollection<int>? only = null)
    {
        var states = Wait(_pipeline.SnapshotOwnedAsync(only, _written));
        if (states.Count == 0)
        {
            return SavedOffsets(only);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var records = states
            .Select(s => KeyValuePair.Create(
                s.Partition,
                StateRecordCodec.Encode(new StateRecord(_pipeline.Topic, s.Partition, s.NextOffset, now, s.State))))
            .ToList();
        if (!_store.Save(records, out var problem))
        {
            Interlocked.Add(ref _saveFailures, records.Count);
            LogSaveFailed(_logger, _pipeline.Name, records.Count, _store.Description, problem ?? "unknown");
            return null;
        }

        Interlocked.Add(ref _saved, records.Count);
        foreach (var (partition, next, _) in states)
        {
            _written[partition] = next;
        }

        var saved = string.Join(", ", states.Select(s => $"{s.Partition}@{s.NextOffset}"));
        LogSaved(_logger, _pipeline.Name, saved, _store.Description);
        return SavedOffsets(only);
    }

    /// <summary>
    /// Gives up partitions that were revoked or lost. Their panes stay in the window until their
    /// new owner's saved state replaces them.
    /// </summary>
    public void Release(IReadOnlyCollection<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);

        Wait(_pipeline.ReleasePartitionsAsync(partitions));
        foreach (var partition in partitions)
        {
            _written.Remove(partition);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private Dictionary<int, long> SavedOffsets(IReadOnlyCollection<int>? only) =>
        _written
            .Where(kv => only is null || only.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    private long? RestoreOne(int partition)
    {
        byte[]? bytes;
        try
        {
            bytes = _store.Load(partition);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KafkaException)
        {
            LogLoadFailed(_logger, ex, _pipeline.Name, partition, _store.Description);
            bytes = null;
        }

        if (bytes is null)
        {
            Wait(_pipeline.AssignPartitionAsync(partition, null, 0));
            Interlocked.Increment(ref _restores[Fresh]);
            LogFresh(_logger, _pipeline.Name, partition, _store.Description);
            return null;
        }

        StateRecord record;
        try
        {
            record = Decode(bytes, partition);
        }
        catch (StateRecordException ex)
        {
            return Reject(partition, ex.Rejection, ex.Message);
        }

        StateImportResult result;
        try
        {
            result = Wait(_pipeline.AssignPartitionAsync(partition, record.State, record.NextOffset));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // By design: a record that passes every check and still cannot be restored must not
            // stop the worker, or it would stop again at every restart; the partition starts empty.
            result = StateImportResult.Incompatible($"restoring it failed: {ex.Message}");
        }

        if (!result.Succeeded)
        {
            return Reject(partition, StateRejection.Incompatible, result.Problem!);
        }

        _written[partition] = record.NextOffset;
        Interlocked.Increment(ref _restores[Restored]);
        var ageMs = _time.GetUtcNow().ToUnixTimeMilliseconds() - record.WrittenAtMs;
        var age = TimeSpan.FromMilliseconds(Math.Max(0, ageMs));
        var events = record.State.Tables.Events;
        LogRestored(_logger, _pipeline.Name, partition, _store.Description, events, record.NextOffset, age);
        return record.NextOffset;
    }

    private long? Reject(int partition, StateRejection rejection, string reason)
    {
        Wait(_pipeline.AssignPartitionAsync(partition, null, 0));
        Interlocked.Increment(ref _restores[rejection == StateRejection.Corrupt ? 2 : 3]);
        if (rejection == StateRejection.Corrupt)
        {
            LogCorrupt(_logger, _pipeline.Name, partition, _store.Description, reason);
        }
        else
        {
            LogIncompatible(_logger, _pipeline.Name, partition, _store.Description, reason);
        }

        return null;
    }

    private StateRecord Decode(byte[] bytes, int partition)
    {
        var record = StateRecordCodec.Decode(bytes);
        if (!string.Equals(record.Topic, _pipeline.Topic, StringComparison.Ordinal) || record.Partition != partition)
        {
            throw new StateRecordException(
                StateRejection.Incompatible,
                $"it holds partition {record.Partition} of topic '{record.Topic}'");
        }

        return record;
    }

    // The store's reader thread: a record of any partition, from any replica, this one included.
    private void OnPeerRecord(int partition, byte[] bytes)
    {
        StateImportResult? result;
        StateRejection rejection;
        try
        {
            var record = Decode(bytes, partition);
            result = Wait(_pipeline.MergePeerPartitionAsync(partition, record.State));
            if (result is null)
            {
                // This replica owns the partition and is the one that counts it.
                return;
            }

            if (result.Succeeded)
            {
                Interlocked.Increment(ref _peers[Merged]);
                lock (_peerProblems)
                {
                    _peerProblems.Remove(partition);
                }

                return;
            }

            rejection = StateRejection.Incompatible;
        }
        catch (StateRecordException ex)
        {
            rejection = ex.Rejection;
            result = StateImportResult.Incompatible(ex.Message);
        }

        Interlocked.Increment(ref _peers[rejection == StateRejection.Corrupt ? 1 : 2]);
        lock (_peerProblems)
        {
            // Logged when a partition's problem changes, not for every record that repeats it.
            if (_peerProblems.TryGetValue(partition, out var known) && known == result.Problem)
            {
                return;
            }

            _peerProblems[partition] = result.Problem!;
        }

        var kind = rejection == StateRejection.Corrupt ? "corrupt" : "incompatible";
        LogPeerRejected(_logger, _pipeline.Name, partition, kind, result.Problem!);
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
