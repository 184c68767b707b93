using System.Diagnostics;
using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <summary>
/// The contingency tables of one monitor over a window of panes: one table per feature against
/// the target, and one per selected feature–feature pair.
/// </summary>
/// <remarks>
/// <para>
/// Panes are kept per input partition: each partition has its own ring of panes, as many as the
/// window has, that follows event time in that partition alone. The window tables the estimates
/// read are the sum, over every partition, of the panes inside the window, which ends at the
/// newest pane any partition has reached. When that pane moves on, the panes that fall out of
/// the window have their counts subtracted cell by cell; a partition clears a pane when its own
/// event time moves past it. Because the entropy sums are fixed point, a window that has moved
/// entirely from one stretch of the stream to another is bit-identical to tables built from the
/// second stretch alone.
/// </para>
/// <para>
/// A partition's panes depend only on that partition's events, so they can be saved with the
/// partition's input offset, restored by another process, or merged in from another replica
/// (<see cref="ExportPartition"/>, <see cref="ReplacePartition"/>): the window tables stay the
/// sum over partitions whatever process counted each one. A caller that counts everything as
/// one partition (<see cref="Apply(ReadOnlySpan{int}, int, long)"/>) gets a single ring of panes.
/// </para>
/// <para>
/// An event is late, and not counted, when its pane has left its own partition's window. An
/// event whose pane is still in its partition's window but has left the monitor's window (its
/// partition lags behind the others) is kept in the partition's pane, so that partition's saved
/// state does not depend on the other partitions, but it is not added to the window tables and
/// is reported late as well.
/// </para>
/// <para>
/// With a lag of L panes each partition's ring holds K + L panes, and a second set of
/// feature–target tables, the <see cref="LaggedReference"/>, covers panes n − L − K + 1 … n − L
/// when n is the window's newest pane: every partition's pane is added to it when n moves L panes
/// past it and subtracted when n moves L + K panes past it. A late event in a pane that is already
/// in the reference counts there too.
/// </para>
/// <para>
/// Threads: <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> and the partition methods
/// belong to one thread at a time (a monitor's counting stage). The tables they write are
/// lock-free, so any thread may read them at any moment; a reader during a pane expiry or a
/// partition replacement sees part of the change already made.
/// </para>
/// <para>
/// Feature–feature tables fold each feature's levels to at most 2 × <c>pairLevelCap</c> rows by
/// taking levels above the cap modulo the cap. Their MI is then that of the folded variables,
/// a lower bound on the true redundancy for features with more levels than the cap.
/// </para>
/// </remarks>
public sealed partial class WindowedTables
{
    private readonly Marginal[] _features;
    private readonly ContingencyTable[] _featureTarget;
    private readonly IReadOnlyList<int> _featureCapacities;
    private readonly int _pairLevelCap;
    private readonly int _paneCount;
    private readonly int _ringPanes;
    private readonly long _paneMs;
    private readonly List<PartitionPanes> _partitions = [];
    private PartitionPanes?[] _byId = new PartitionPanes?[4];
    private PairSet _pairSet;
    private long _newestPane = long.MinValue;
    private long _firstPane = long.MinValue;
    private long _late;
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    /// <summary>Creates empty tables.</summary>
    public WindowedTables(
        WindowSpec window,
        IReadOnlyList<int> featureCapacities,
        int targetCapacity,
        IReadOnlyList<(int A, int B)>? pairs = null,
        int pairLevelCap = 64,
        int referenceLagPanes = 0)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(featureCapacities);
        if (featureCapacities.Count == 0)
        {
            throw new ArgumentException("A monitor needs at least one feature.", nameof(featureCapacities));
        }

        window.Validate();
        if (referenceLagPanes < 0 || (referenceLagPanes > 0 && window.Mode == WindowMode.WholeStream))
        {
            throw new ArgumentException(
                "A lagged reference needs a sliding or tumbling window and a lag of at least one pane.",
                nameof(referenceLagPanes));
        }

        Window = window;
        _paneMs = window.PaneMilliseconds;
        _paneCount = window.PaneCount;
        _ringPanes = _paneCount + referenceLagPanes;
        _featureCapacities = [.. featureCapacities];
        _pairLevelCap = pairLevelCap;

        Target = new Marginal(targetCapacity);
        _features = new Marginal[featureCapacities.Count];
        _featureTarget = new ContingencyTable[featureCapacities.Count];
        for (var f = 0; f < _features.Length; f++)
        {
            _features[f] = new Marginal(featureCapacities[f]);
            _featureTarget[f] = new ContingencyTable(_features[f], Target);
        }

        _pairSet = CreatePairSet(pairs ?? []);
        if (referenceLagPanes > 0)
        {
            Reference = new LaggedReference(_featureTarget, referenceLagPanes);
        }
    }

    /// <summary>The window's shape.</summary>
    public WindowSpec Window { get; }

    /// <summary>The target margin, shared by every feature–target table.</summary>
    public Marginal Target { get; }

    /// <summary>Each feature's margin.</summary>
    public IReadOnlyList<Marginal> Features => _features;

    /// <summary>One table per feature, rows the feature's levels, columns the target's.</summary>
    public IReadOnlyList<ContingencyTable> FeatureTarget => _featureTarget;

    /// <summary>One table per selected pair of features.</summary>
    public IReadOnlyList<ContingencyTable> Pairs => Volatile.Read(ref _pairSet).Tables;

    /// <summary>The feature indexes of each pair table.</summary>
    public IReadOnlyList<(int A, int B)> PairFeatures => Volatile.Read(ref _pairSet).Pairs;

    /// <summary>The pair tables with their feature indexes, read together.</summary>
    public IReadOnlyList<(int A, int B, ContingencyTable Table)> PairTables()
    {
        var set = Volatile.Read(ref _pairSet);
        return [.. set.Pairs.Select((p, i) => (p.A, p.B, set.Tables[i]))];
    }

    /// <summary>The lagged reference window, or null when the tables keep none.</summary>
    public LaggedReference? Reference { get; }

    /// <summary>The id of the newest pane (event time / pane length), or null before the first event.</summary>
    public long? NewestPaneId => NewestPane;

    /// <summary>The id of the pane of the first event, or null before it.</summary>
    public long? FirstPaneId
    {
        get
        {
            var first = Volatile.Read(ref _firstPane);
            return first == long.MinValue ? null : first;
        }
    }

    /// <summary>
    /// Start of the lagged reference window in Unix milliseconds, or null without one or before
    /// the first event.
    /// </summary>
    public long? ReferenceStartMs => Reference is { } r && NewestPane is { } newest
        ? (newest - r.LagPanes - _paneCount + 1) * _paneMs
        : null;

    /// <summary>End (exclusive) of the lagged reference window in Unix milliseconds.</summary>
    public long? ReferenceEndMs => Reference is { } r && NewestPane is { } newest
        ? (newest - r.LagPanes + 1) * _paneMs
        : null;

    /// <summary>
    /// The share of the lagged reference's panes that event time had reached since the first event:
    /// 1 once the reference is as long as the window. 0 without a lagged reference.
    /// </summary>
    public double ReferenceFill
    {
        get
        {
            if (Reference is not { } r || NewestPane is not { } newest)
            {
                return 0;
            }

            var reached = newest - r.LagPanes - Volatile.Read(ref _firstPane) + 1;
            return Math.Clamp((double)reached / _paneCount, 0, 1);
        }
    }

    /// <summary>The pane an event time falls in.</summary>
    public long PaneOf(long eventTimeMs) =>
        Window.Mode == WindowMode.WholeStream ? 0 : FloorDiv(eventTimeMs, _paneMs);

    /// <summary>
    /// Chooses the feature–feature pairs once, before the first event is counted: a monitor that
    /// picks its pairs from the warm-up events knows them only after the warm-up.
    /// </summary>
    public void SelectPairs(IReadOnlyList<(int A, int B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (NewestPane is not null || _pairSet.Pairs.Length > 0)
        {
            throw new InvalidOperationException("Pairs can be chosen only once, before the first event.");
        }

        var set = CreatePairSet(pairs);
        foreach (var partition in _partitions)
        {
            foreach (var pane in partition.Panes)
            {
                pane.Pairs = [.. set.Tables.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
            }
        }

        Volatile.Write(ref _pairSet, set);
    }

    /// <summary>Events in the window.</summary>
    public long Events => Target.Total;

    /// <summary>Levels below twice this number keep their own row in a pair table.</summary>
    internal int PairLevelCap => _pairLevelCap;

    /// <summary>
    /// Events this instance found older than the window since it was created (not restored
    /// with saved state).
    /// </summary>
    public long LateEvents => Volatile.Read(ref _late);

    /// <summary>Start of the window in Unix milliseconds, or null before the first event.</summary>
    public long? StartMs => Window.Mode == WindowMode.WholeStream
        ? NullIfUnset(Volatile.Read(ref _minTime), long.MaxValue)
        : NewestPane is { } newest ? (newest - _paneCount + 1) * _paneMs : null;

    /// <summary>End of the window (exclusive) in Unix milliseconds, or null before the first event.</summary>
    public long? EndMs => Window.Mode == WindowMode.WholeStream
        ? NullIfUnset(Volatile.Read(ref _maxTime), long.MinValue)
        : NewestPane is { } newest ? (newest + 1) * _paneMs : null;

    /// <summary>
    /// The share of the window's panes that event time has reached since the first event: 1 once
    /// the window is as long as configured. Always 1 for the whole stream after the first event.
    /// </summary>
    public double Fill
    {
        get
        {
            if (NewestPane is not { } newest)
            {
                return 0;
            }

            var reached = newest - Volatile.Read(ref _firstPane) + 1;
            return Math.Min(1.0, (double)reached / _paneCount);
        }
    }

    private long? NewestPane
    {
        get
        {
            var newest = Volatile.Read(ref _newestPane);
            return newest == long.MinValue ? null : newest;
        }
    }

    /// <summary>
    /// Counts one event of a stream read as a single partition. <paramref name="featureLevels"/>
    /// holds a level per feature. Returns false (and counts the event as late) when its pane has
    /// already left the window.
    /// </summary>
    public bool Apply(ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs) =>
        Apply(0, featureLevels, targetLevel, eventTimeMs);

    /// <summary>
    /// Counts one event of input partition <paramref name="partition"/> (zero or more).
    /// Returns false, and counts the event as late, when it is not in the window tables: its
    /// pane has left its partition's window (the event is dropped), or has left the monitor's
    /// window only (the event is kept in the partition's pane).
    /// </summary>
    public bool Apply(int partition, ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs)
    {
        Debug.Assert(featureLevels.Length == _featureTarget.Length);

        var panes = PartitionOf(partition);
        var paneId = PaneOf(eventTimeMs);
        if (paneId > panes.Newest)
        {
            if (paneId > _newestPane)
            {
                AdvanceWindow(paneId);
            }

            panes.Advance(paneId);

            // The window's first pane is the earliest first pane of any partition, so that it
            // does not depend on which partition's events happened to be counted first.
            if (panes.First < _firstPane || _firstPane == long.MinValue)
            {
                Volatile.Write(ref _firstPane, panes.First);
            }
        }
        else if (paneId <= panes.Newest - _paneCount)
        {
            Interlocked.Increment(ref _late);
            return false;
        }

        panes.TrackTime(eventTimeMs);
        TrackTime(eventTimeMs);
        var pane = panes.PaneOf(paneId);
        Debug.Assert(pane.Id == paneId, "the slot of a pane inside the window holds that pane");

        var inWindow = paneId > _newestPane - _paneCount;
        if (inWindow)
        {
            Target.Increment(targetLevel);
        }

        // A late event in a pane that already entered the lagged reference counts there too.
        var reference = InReference(paneId, _newestPane) ? Reference : null;
        reference?.Target.Increment(targetLevel);

        for (var f = 0; f < featureLevels.Length; f++)
        {
            var level = featureLevels[f];
            if (inWindow)
            {
                _features[f].Increment(level);
                _featureTarget[f].Increment(level, targetLevel);
            }

            if (reference is not null)
            {
                reference.Features[f].Increment(level);
                reference.FeatureTarget[f].Increment(level, targetLevel);
            }

            Interlocked.Increment(ref pane.FeatureTarget[f].GetOrAdd(level, targetLevel));
        }

        var pairs = _pairSet;
        for (var p = 0; p < pairs.Pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[pairs.Pairs[p].A]);
            var b = FoldForPair(featureLevels[pairs.Pairs[p].B]);
            if (inWindow)
            {
                pairs.Tables[p].Increment(a, b);
            }

            Interlocked.Increment(ref pane.Pairs[p].GetOrAdd(a, b));
        }

        if (!inWindow)
        {
            Interlocked.Increment(ref _late);
        }

        return inWindow;
    }

    /// <summary>Bytes of cell storage held by the window tables and all panes.</summary>
    public long AllocatedBytes()
    {
        long bytes = 0;
        foreach (var table in FeatureTarget)
        {
            bytes += table.AllocatedBytes();
        }

        foreach (var table in Pairs)
        {
            bytes += table.AllocatedBytes();
        }

        foreach (var partition in _partitions)
        {
            foreach (var pane in partition.Panes)
            {
                bytes += pane.AllocatedBytes();
            }
        }

        return bytes;
    }

    // The window now ends at pane `newest`: every partition's panes from the old window that are
    // not in the new one leave the window tables, and panes that reach or leave the lagged
    // reference are added to or subtracted from it. Where a pane stands is a function of its id
    // and the window's newest pane alone. Counts stay in the partitions' panes until each
    // partition's own event time passes them.
    private void AdvanceWindow(long newest)
    {
        var old = _newestPane;
        if (old != long.MinValue)
        {
            foreach (var partition in _partitions)
            {
                foreach (var pane in partition.Panes)
                {
                    if (pane.Id == long.MinValue)
                    {
                        continue;
                    }

                    if (pane.Id > old - _paneCount && pane.Id <= newest - _paneCount)
                    {
                        Transfer(pane, _featureTarget, _features, Target, _pairSet.Tables, add: false);
                    }

                    if (Reference is not { } reference)
                    {
                        continue;
                    }

                    var was = InReference(pane.Id, old);
                    var now = InReference(pane.Id, newest);
                    if (was != now)
                    {
                        Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, add: now);
                    }
                }
            }
        }

        Volatile.Write(ref _newestPane, newest);
    }

    // True when pane `id` is inside the lagged reference of a window that ends at pane `newest`.
    private bool InReference(long id, long newest) =>
        Reference is { } reference && newest != long.MinValue
        && id <= newest - reference.LagPanes && id > newest - reference.LagPanes - _paneCount;

    private void SubtractFromWindow(Pane pane)
    {
        if (pane.Id > _newestPane - _paneCount)
        {
            Transfer(pane, _featureTarget, _features, Target, _pairSet.Tables, add: false);
        }

        if (Reference is { } reference && InReference(pane.Id, _newestPane))
        {
            Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, add: false);
        }
    }

    private void AddToWindow(Pane pane)
    {
        if (pane.Id > _newestPane - _paneCount)
        {
            Transfer(pane, _featureTarget, _features, Target, _pairSet.Tables, add: true);
        }

        if (Reference is { } reference && InReference(pane.Id, _newestPane))
        {
            Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, add: true);
        }
    }

    private static void Transfer(
        Pane pane,
        IReadOnlyList<ContingencyTable> tables,
        IReadOnlyList<Marginal> features,
        Marginal target,
        ContingencyTable[]? pairTables,
        bool add)
    {
        for (var f = 0; f < tables.Count; f++)
        {
            var transfer = new PaneTransfer(tables[f], features[f], f == 0 ? target : null, add);
            pane.FeatureTarget[f].ForEachNonZero(ref transfer);
        }

        if (pairTables is null)
        {
            return;
        }

        for (var p = 0; p < pairTables.Length; p++)
        {
            var transfer = new PaneTransfer(pairTables[p], null, null, add);
            pane.Pairs[p].ForEachNonZero(ref transfer);
        }
    }

    private PartitionPanes PartitionOf(int partition)
    {
        var byId = _byId;
        return (uint)partition < (uint)byId.Length && byId[partition] is { } known
            ? known
            : AddPartition(partition);
    }

    private PartitionPanes AddPartition(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        if (partition >= _byId.Length)
        {
            Array.Resize(ref _byId, Math.Max(partition + 1, _byId.Length * 2));
        }

        var panes = new PartitionPanes(partition, _ringPanes, _featureTarget, _pairSet.Tables);
        _byId[partition] = panes;
        _partitions.Add(panes);
        return panes;
    }

    private void TrackTime(long eventTimeMs)
    {
        if (eventTimeMs < _minTime)
        {
            Volatile.Write(ref _minTime, eventTimeMs);
        }

        if (eventTimeMs > _maxTime)
        {
            Volatile.Write(ref _maxTime, eventTimeMs);
        }
    }

    private PairSet CreatePairSet(IReadOnlyList<(int A, int B)> pairs)
    {
        var list = pairs.ToArray();
        var tables = new ContingencyTable[list.Length];
        for (var p = 0; p < list.Length; p++)
        {
            tables[p] = ContingencyTable.CreateWithOwnMargins(
                PairCapacity(_featureCapacities[list[p].A]),
                PairCapacity(_featureCapacities[list[p].B]));
        }

        return new PairSet(list, tables);
    }

    private int PairCapacity(int featureCapacity) => Math.Min(featureCapacity, 2 * _pairLevelCap);

    internal int FoldForPair(int level) =>
        level < 2 * _pairLevelCap ? level : _pairLevelCap + (level % _pairLevelCap);

    // Division truncates toward zero; a negative remainder means the floor is one lower. Negating
    // a instead would overflow for times within a pane of long.MinValue and put them in a far
    // future pane, emptying the window.
    private static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return a % b < 0 ? quotient - 1 : quotient;
    }

    private static long? NullIfUnset(long value, long unset) => value == unset ? null : value;

    private sealed record PairSet((int A, int B)[] Pairs, ContingencyTable[] Tables);

    /// <summary>
    /// Adds a pane's cells to tables, or subtracts them, and does the same once to the margins
    /// (the rows' margin, and the shared target margin from the first feature's table only).
    /// </summary>
    private readonly struct PaneTransfer(ContingencyTable table, Marginal? rows, Marginal? columns, bool add)
        : ICellVisitor
    {
        public void Visit(int row, int column, int count)
        {
            if (add)
            {
                table.Add(row, column, count);
                rows?.Add(row, count);
                columns?.Add(column, count);
            }
            else
            {
                table.Subtract(row, column, count);
                rows?.Subtract(row, count);
                columns?.Subtract(column, count);
            }
        }
    }
}
