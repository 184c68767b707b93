using System.Diagnostics;
using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <summary>
/// The contingency tables of one monitor over a window of panes: one table per feature against
/// the target, and one per selected feature–feature pair.
/// </summary>
/// <remarks>
/// <para>
/// Each pane keeps its own cell counts next to the window's running tables. When event time
/// reaches a new pane, the panes that fall out of the window have their counts subtracted from
/// the window tables cell by cell, then are cleared for reuse. Because the entropy sums are fixed
/// point, a window that has moved entirely from one stretch of the stream to another is
/// bit-identical to tables built from the second stretch alone.
/// </para>
/// <para>
/// Threads: <see cref="Apply"/> belongs to one thread at a time (a monitor's counting stage).
/// The tables it writes are lock-free, so any thread may read them at any moment; a reader
/// during a pane expiry sees part of the old pane already subtracted.
/// </para>
/// <para>
/// With a lag of L panes the ring holds K + L panes and a second set of feature–target tables, the
/// <see cref="LaggedReference"/>, covers panes n − L − K + 1 … n − L when n is the newest: a pane
/// is added to it when it becomes L panes old and subtracted when it becomes L + K panes old.
/// </para>
/// <para>
/// Feature–feature tables fold each feature's levels to at most 2 × <c>pairLevelCap</c> rows by
/// taking levels above the cap modulo the cap. Their MI is then that of the folded variables,
/// a lower bound on the true redundancy for features with more levels than the cap.
/// </para>
/// </remarks>
public sealed class WindowedTables
{
    private readonly Pane[] _panes;
    private readonly Marginal[] _features;
    private readonly ContingencyTable[] _featureTarget;
    private readonly IReadOnlyList<int> _featureCapacities;
    private readonly int _pairLevelCap;
    private readonly long _paneMs;
    private readonly int _windowPanes;
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
        _windowPanes = window.PaneCount;
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

        _panes = new Pane[_windowPanes + referenceLagPanes];
        for (var i = 0; i < _panes.Length; i++)
        {
            _panes[i] = new Pane(_featureTarget, _pairSet.Tables);
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
        ? (newest - r.LagPanes - _windowPanes + 1) * _paneMs
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
            return Math.Clamp((double)reached / _windowPanes, 0, 1);
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
        foreach (var pane in _panes)
        {
            pane.Pairs = [.. set.Tables.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
        }

        Volatile.Write(ref _pairSet, set);
    }

    /// <summary>Events in the window.</summary>
    public long Events => Target.Total;

    /// <summary>Events that arrived after their pane had left the window.</summary>
    public long LateEvents => Volatile.Read(ref _late);

    /// <summary>Start of the window in Unix milliseconds, or null before the first event.</summary>
    public long? StartMs => Window.Mode == WindowMode.WholeStream
        ? NullIfUnset(Volatile.Read(ref _minTime), long.MaxValue)
        : NewestPane is { } newest ? (newest - _windowPanes + 1) * _paneMs : null;

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
            return Math.Min(1.0, (double)reached / _windowPanes);
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
    /// Counts one event. <paramref name="featureLevels"/> holds a level per feature. Returns false
    /// (and counts the event as late) when its pane has already left the window.
    /// </summary>
    public bool Apply(ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs)
    {
        Debug.Assert(featureLevels.Length == _featureTarget.Length);

        var paneId = PaneOf(eventTimeMs);
        if (paneId > _newestPane)
        {
            Advance(paneId);
        }
        else if (paneId <= _newestPane - _windowPanes)
        {
            Interlocked.Increment(ref _late);
            return false;
        }

        TrackTime(eventTimeMs);
        var pane = _panes[Slot(paneId)];
        Debug.Assert(pane.Id == paneId, "the slot of a pane inside the window holds that pane");

        Target.Increment(targetLevel);
        for (var f = 0; f < featureLevels.Length; f++)
        {
            var level = featureLevels[f];
            _features[f].Increment(level);
            _featureTarget[f].Increment(level, targetLevel);
            Interlocked.Increment(ref pane.FeatureTarget[f].GetOrAdd(level, targetLevel));
        }

        // A late event in a pane that already entered the lagged reference counts there too.
        if (pane.InReference)
        {
            var reference = Reference!;
            reference.Target.Increment(targetLevel);
            for (var f = 0; f < featureLevels.Length; f++)
            {
                reference.Features[f].Increment(featureLevels[f]);
                reference.FeatureTarget[f].Increment(featureLevels[f], targetLevel);
            }
        }

        var pairs = _pairSet;
        for (var p = 0; p < pairs.Pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[pairs.Pairs[p].A]);
            var b = FoldForPair(featureLevels[pairs.Pairs[p].B]);
            pairs.Tables[p].Increment(a, b);
            Interlocked.Increment(ref pane.Pairs[p].GetOrAdd(a, b));
        }

        return true;
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

        foreach (var pane in _panes)
        {
            bytes += pane.AllocatedBytes();
        }

        return bytes;
    }

    private void Advance(long paneId)
    {
        if (_firstPane == long.MinValue)
        {
            _firstPane = paneId;
        }

        // Where every pane stands is a function of the newest pane n alone: the window holds
        // panes n − K + 1 … n and the lagged reference n − L − K + 1 … n − L. Panes that leave
        // either are subtracted from it, panes that reach the reference are added to it.
        var lag = Reference?.LagPanes ?? 0;
        foreach (var pane in _panes)
        {
            if (pane.InWindow && pane.Id <= paneId - _windowPanes)
            {
                Transfer(pane, _featureTarget, _features, Target, pane.Pairs, _pairSet.Tables, add: false);
                pane.InWindow = false;
            }

            if (Reference is not { } reference || pane.Id == long.MinValue)
            {
                continue;
            }

            if (pane.InReference && pane.Id <= paneId - lag - _windowPanes)
            {
                Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, null, add: false);
                pane.InReference = false;
            }
            else if (!pane.InReference && pane.Id <= paneId - lag && pane.Id > paneId - lag - _windowPanes)
            {
                Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, null, add: true);
                pane.InReference = true;
            }
        }

        // Panes from the one after the newest up to the new one start now, each in the slot of a
        // pane the whole ring before it, which has just left both windows. A jump of the whole
        // ring or more reuses every slot.
        var from = _newestPane == long.MinValue
            ? paneId - _panes.Length + 1
            : Math.Max(_newestPane + 1, paneId - _panes.Length + 1);
        for (var id = from; id <= paneId; id++)
        {
            var pane = _panes[Slot(id)];
            Debug.Assert(!pane.InWindow && !pane.InReference, "a reused slot has left both windows");
            pane.Clear();
            pane.Id = id;
            pane.InWindow = true;

            // With a lag shorter than the window, a pane skipped over by a jump can already be
            // old enough for the reference; it is empty now, and late events reach both.
            pane.InReference = Reference is not null && id <= paneId - lag && id > paneId - lag - _windowPanes;
        }

        Volatile.Write(ref _newestPane, paneId);
    }

    private static void Transfer(
        Pane pane,
        IReadOnlyList<ContingencyTable> tables,
        IReadOnlyList<Marginal> features,
        Marginal target,
        PagedCounts[]? pairCells,
        ContingencyTable[]? pairTables,
        bool add)
    {
        for (var f = 0; f < tables.Count; f++)
        {
            var transfer = new PaneTransfer(tables[f], features[f], f == 0 ? target : null, add);
            pane.FeatureTarget[f].ForEachNonZero(ref transfer);
        }

        if (pairCells is null || pairTables is null)
        {
            return;
        }

        for (var p = 0; p < pairTables.Length; p++)
        {
            var transfer = new PaneTransfer(pairTables[p], null, null, add);
            pairCells[p].ForEachNonZero(ref transfer);
        }
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

    private int PairCapacity(int featureCapacity) => Math.Min(featureCapacity, 2 * _pairLevelCap);

    private int FoldForPair(int level) =>
        level < 2 * _pairLevelCap ? level : _pairLevelCap + (level % _pairLevelCap);

    private int Slot(long paneId) => (int)(((paneId % _panes.Length) + _panes.Length) % _panes.Length);

    // Division truncates toward zero; a negative remainder means the floor is one lower. Negating
    // a instead would overflow for times within a pane of long.MinValue and put them in a far
    // future pane, emptying the window.
    private static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return a % b < 0 ? quotient - 1 : quotient;
    }

    private static long? NullIfUnset(long value, long unset) => value == unset ? null : value;

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

    private sealed record PairSet((int A, int B)[] Pairs, ContingencyTable[] Tables);

    private sealed class Pane
    {
        public Pane(IReadOnlyList<ContingencyTable> featureTarget, IReadOnlyList<ContingencyTable> pairs)
        {
            FeatureTarget = [.. featureTarget.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
            Pairs = [.. pairs.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
        }

        public long Id { get; set; } = long.MinValue;

        /// <summary>True while the pane's counts are part of the window tables.</summary>
        public bool InWindow { get; set; }

        /// <summary>True while the pane's counts are part of the lagged reference tables.</summary>
        public bool InReference { get; set; }

        public PagedCounts[] FeatureTarget { get; }

        public PagedCounts[] Pairs { get; set; }

        public void Clear()
        {
            foreach (var cells in FeatureTarget)
            {
                cells.Clear();
            }

            foreach (var cells in Pairs)
            {
                cells.Clear();
            }
        }

        public long AllocatedBytes() =>
            FeatureTarget.Sum(c => c.AllocatedBytes()) + Pairs.Sum(c => c.AllocatedBytes());
    }

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
