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
/// Threads: by default <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> and the partition
/// methods belong to one thread at a time (a monitor's counting stage), and the tables are built
/// for that single writer: each counter is changed with a plain read and a volatile store, a
/// fraction of the cost of an interlocked operation. Pane rotation, expiry, the lagged reference
/// and partition replacement all run on that thread, so they need no more. A whole-stream window
/// may instead be built with <c>concurrentWriters</c> (the parallel file scan): then any number
/// of threads may call <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> at once and every
/// counter changes with an interlocked operation. Either way the tables are lock-free, so any
/// thread may read them at any moment; a reader during a pane expiry or a partition replacement
/// sees part of the change already made.
/// </para>
/// <para>
/// A whole-stream window may also be built without partition panes (<c>partitionPanes</c> false,
/// as <c>streammi scan</c> does, and always with concurrent writers, since the per-partition rings
/// are single-writer structures). Nothing of a whole stream ever expires, so the panes are read
/// only to save, replace or merge a partition's state; without them an event costs one counter
/// update per table instead of two, and the partition methods throw. The streaming worker always
/// keeps panes.
/// </para>
/// <para>
/// A window holds at most <see cref="MaxEvents"/> events (<see cref="EntropyTerms.MaxWindowEvents"/>
/// unless a test sets fewer): past that the fixed-point entropy sums would overflow. An event that
/// finds the window full is refused (<see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> returns
/// false) after it has moved a sliding window on, since the panes it expires may make room. With
/// a lagged reference the limit covers every pane from the oldest of the reference to the newest
/// of the window, so that neither the window nor the reference can pass it.
/// </para>
/// <para>
/// Feature–feature tables fold each feature's levels to at most 2 × <c>pairLevelCap</c> rows by
/// taking levels above the cap modulo the cap. Their MI is then that of the folded variables,
/// a lower bound on the true redundancy for features with more levels than the cap. The folded
/// margin of a feature is kept once and shared by every pair table the feature is in.
/// </para>
/// </remarks>
public sealed partial class WindowedTables
{
    /// <summary>The pair level cap a monitor uses unless told otherwise.</summary>
    internal const int DefaultPairLevelCap = 64;

    private readonly Marginal[] _features;
    private readonly ContingencyTable[] _featureTarget;
    private readonly IReadOnlyList<int> _featureCapacities;
    private readonly int _pairLevelCap;
    private readonly int _paneCount;
    private readonly int _ringPanes;
    private readonly long _paneMs;
    private readonly bool _concurrent;
    private readonly bool _keepsPanes;
    private readonly long _maxEvents;
    private readonly List<PartitionPanes> _partitions = [];
    private PartitionPanes?[] _byId = new PartitionPanes?[4];
    private PairSet _pairSet;
    private long _newestPane = long.MinValue;
    private long _firstPane = long.MinValue;
    private long _late;
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    // Events in every partition's panes from the oldest pane of the lagged reference to the newest
    // of the window (the window alone without a reference): the window tables and the reference
    // hold subsets of them, so keeping this at or below _maxEvents keeps both below the limit.
    // Only the single writer of a pane window uses it.
    private long _heldEvents;

    /// <summary>
    /// Creates empty tables. <paramref name="concurrentWriters"/> lets several threads call
    /// <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> at once; only a whole-stream window
    /// allows it, and such tables keep no partition panes. <paramref name="partitionPanes"/>
    /// false drops the panes of a whole-stream window for a single writer too, when no partition
    /// state will be saved.
    /// </summary>
    public WindowedTables(
        WindowSpec window,
        IReadOnlyList<int> featureCapacities,
        int targetCapacity,
        IReadOnlyList<(int A, int B)>? pairs = null,
        int pairLevelCap = DefaultPairLevelCap,
        int referenceLagPanes = 0,
        bool concurrentWriters = false,
        bool partitionPanes = true)
        : this(
            window,
            featureCapacities,
            targetCapacity,
            pairs,
            pairLevelCap,
            referenceLagPanes,
            concurrentWriters,
            partitionPanes,
            EntropyTerms.MaxWindowEvents)
    {
    }

    /// <summary>
    /// Creates empty tables that hold at most <paramref name="maxEvents"/> events, for tests that
    /// fill a window without counting 10^8 events. A limit above
    /// <see cref="EntropyTerms.MaxWindowEvents"/> is refused, as its sums could overflow.
    /// </summary>
    internal WindowedTables(
        WindowSpec window,
        IReadOnlyList<int> featureCapacities,
        int targetCapacity,
        IReadOnlyList<(int A, int B)>? pairs,
        int pairLevelCap,
        int referenceLagPanes,
        bool concurrentWriters,
        bool partitionPanes,
        long maxEvents)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEvents, EntropyTerms.MaxWindowEvents);
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

        if (concurrentWriters && window.Mode != WindowMode.WholeStream)
        {
            throw new ArgumentException(
                "Only a whole-stream window takes concurrent writers: pane rotation has one writer.",
                nameof(concurrentWriters));
        }

        if (!partitionPanes && window.Mode != WindowMode.WholeStream)
        {
            throw new ArgumentException(
                "Only a whole-stream window can count without panes: a rotating window expires them.",
                nameof(partitionPanes));
        }

        Window = window;
        _maxEvents = maxEvents;
        _concurrent = concurrentWriters;
        _keepsPanes = partitionPanes && !concurrentWriters;
        _paneMs = window.PaneMilliseconds;
        _paneCount = window.PaneCount;
        _ringPanes = _paneCount + referenceLagPanes;
        _featureCapacities = [.. featureCapacities];
        _pairLevelCap = pairLevelCap;

        Target = new Marginal(targetCapacity, concurrentWriters);
        _features = new Marginal[featureCapacities.Count];
        _featureTarget = new ContingencyTable[featureCapacities.Count];
        for (var f = 0; f < _features.Length; f++)
        {
            _features[f] = new Marginal(featureCapacities[f], concurrentWriters);
            _featureTarget[f] = new ContingencyTable(_features[f], Target, concurrentWriters);
        }

        _pairSet = CreatePairSet(pairs ?? []);
        if (referenceLagPanes > 0)
        {
            Reference = new LaggedReference(_featureTarget, referenceLagPanes);
        }
    }

    /// <summary>The window's shape.</summary>
    public WindowSpec Window { get; }

    /// <summary>
    /// The most events the window holds (with a lagged reference, the window and the reference
    /// together); further events are refused until old panes leave the window.
    /// </summary>
    public long MaxEvents => _maxEvents;

    /// <summary>True when several threads may apply events at once.</summary>
    public bool ConcurrentWriters => _concurrent;

    /// <summary>True when the tables keep each partition's panes, so its state can be saved.</summary>
    public bool KeepsPartitionPanes => _keepsPanes;

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
    /// holds a level per feature. Returns false when the event is not counted: its pane has
    /// already left the window (counted in <see cref="LateEvents"/>), or the window already holds
    /// <see cref="MaxEvents"/> events.
    /// </summary>
    public bool Apply(ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs) =>
        Apply(0, featureLevels, targetLevel, eventTimeMs);

    /// <summary>
    /// Counts one event of input partition <paramref name="partition"/> (zero or more).
    /// Returns false, and counts the event as late, when it is not in the window tables: its
    /// pane has left its partition's window (the event is dropped), or has left the monitor's
    /// window only (the event is kept in the partition's pane). Returns false as well, counting
    /// nothing, when the window already holds <see cref="MaxEvents"/> events.
    /// </summary>
    public bool Apply(int partition, ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs) =>
        ApplyEvent(partition, featureLevels, targetLevel, eventTimeMs) == ApplyResult.Counted;

    /// <summary>
    /// Counts one event as <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/> does, and says
    /// whether an event that is not counted was late or found the window full.
    /// </summary>
    internal ApplyResult ApplyEvent(int partition, ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs)
    {
        Debug.Assert(featureLevels.Length == _featureTarget.Length);

        if (!_keepsPanes)
        {
            return ApplyWithoutPanes(featureLevels, targetLevel, eventTimeMs);
        }

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
            return ApplyResult.Late;
        }

        // Checked only now, after the window has moved on: the panes an event expires can make
        // room for it. A pane at or before the oldest the window and its reference keep can never
        // join either (both only move forward), so an event there, kept in its lagging
        // partition's pane alone, is not held against the limit.
        var held = paneId > _newestPane - _ringPanes;
        if (held)
        {
            if (_heldEvents >= _maxEvents)
            {
                return ApplyResult.WindowFull;
            }

            _heldEvents++;
        }

        panes.TrackTime(eventTimeMs);
        TrackTime(eventTimeMs);
        var pane = panes.PaneOf(paneId);
        Debug.Assert(pane.Id == paneId, "the slot of a pane inside the window holds that pane");

        var pairs = _pairSet;
        var inWindow = paneId > _newestPane - _paneCount;
        if (inWindow)
        {
            CountAlone(featureLevels, targetLevel, pairs);
        }
        else
        {
            Interlocked.Increment(ref _late);
        }

        // A late event in a pane that already entered the lagged reference counts there too.
        if (InReference(paneId, _newestPane))
        {
            var reference = Reference!;
            reference.Target.Increment(targetLevel);
            for (var f = 0; f < featureLevels.Length; f++)
            {
                reference.Features[f].Increment(featureLevels[f]);
                reference.FeatureTarget[f].Increment(featureLevels[f], targetLevel);
            }
        }

        CountInPane(pane, featureLevels, targetLevel, pairs);
        return inWindow ? ApplyResult.Counted : ApplyResult.Late;
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

    // The hot loop of the single writer: the window tables, each counter updated with plain
    // stores. The pair margins are shared, so each paired feature's folded level is counted once.
    private void CountAlone(ReadOnlySpan<int> featureLevels, int targetLevel, PairSet pairs)
    {
        var features = _features;
        var tables = _featureTarget;
        Target.IncrementAlone(targetLevel);
        for (var f = 0; f < tables.Length; f++)
        {
            var level = featureLevels[f];
            features[f].IncrementAlone(level);
            tables[f].IncrementAlone(level, targetLevel);
        }

        if (pairs.Pairs.Length == 0)
        {
            return;
        }

        for (var i = 0; i < pairs.PairedFeatures.Length; i++)
        {
            pairs.Margins[i].IncrementAlone(FoldForPair(featureLevels[pairs.PairedFeatures[i]]));
        }

        for (var p = 0; p < pairs.Pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[pairs.Pairs[p].A]);
            var b = FoldForPair(featureLevels[pairs.Pairs[p].B]);
            pairs.Tables[p].IncrementAlone(a, b);
        }
    }

    // A whole stream without panes. With concurrent writers, any number of threads at once: the
    // first events of two threads may both find no newest pane and both store pane 0 as the
    // first and newest; they store the same values, so the race is harmless.
    private ApplyResult ApplyWithoutPanes(ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs)
    {
        // Nothing of a whole stream expires: once full, the window refuses every further event.
        // Concurrent writers may each read a total just below the limit before any of them has
        // added its event, so the window can pass the limit by fewer events than there are
        // threads. That is harmless: the sums overflow only past about 1.157 × 10^8 events.
        if (Target.Total >= _maxEvents)
        {
            return ApplyResult.WindowFull;
        }

        if (Volatile.Read(ref _newestPane) == long.MinValue)
        {
            Volatile.Write(ref _firstPane, 0);
            Volatile.Write(ref _newestPane, 0);
        }

        TrackTime(eventTimeMs);

        // Read after the caller saw the warm-up end, which is after the pairs were chosen.
        var pairs = Volatile.Read(ref _pairSet);
        if (_concurrent)
        {
            CountShared(featureLevels, targetLevel, pairs);
        }
        else
        {
            CountAlone(featureLevels, targetLevel, pairs);
        }

        return ApplyResult.Counted;
    }

    // Every counter changes with an interlocked operation, for concurrent writers.
    private void CountShared(ReadOnlySpan<int> featureLevels, int targetLevel, PairSet pairs)
    {
        var features = _features;
        var tables = _featureTarget;
        Target.Increment(targetLevel);
        for (var f = 0; f < tables.Length; f++)
        {
            var level = featureLevels[f];
            features[f].Increment(level);
            tables[f].Increment(level, targetLevel);
        }

        for (var i = 0; i < pairs.PairedFeatures.Length; i++)
        {
            pairs.Margins[i].Increment(FoldForPair(featureLevels[pairs.PairedFeatures[i]]));
        }

        for (var p = 0; p < pairs.Pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[pairs.Pairs[p].A]);
            var b = FoldForPair(featureLevels[pairs.Pairs[p].B]);
            pairs.Tables[p].Increment(a, b);
        }
    }

    // Only the single writer counts into panes, and only it reads them (on expiry, transfer and
    // export), so plain increments suffice.
    private void CountInPane(Pane pane, ReadOnlySpan<int> featureLevels, int targetLevel, PairSet pairs)
    {
        pane.Events++;
        var cells = pane.FeatureTarget;
        for (var f = 0; f < cells.Length; f++)
        {
            cells[f].GetOrAdd(featureLevels[f], targetLevel)++;
        }

        for (var p = 0; p < pairs.Pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[pairs.Pairs[p].A]);
            var b = FoldForPair(featureLevels[pairs.Pairs[p].B]);
            pane.Pairs[p].GetOrAdd(a, b)++;
        }
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
                        Transfer(pane, _featureTarget, _features, Target, _pairSet, add: false);
                    }

                    // Every event of a pane still held was counted while it was held: the held
                    // panes only move forward, so a pane held now was held when its events came.
                    if (pane.Id > old - _ringPanes && pane.Id <= newest - _ringPanes)
                    {
                        _heldEvents -= pane.Events;
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
        if (pane.Id > _newestPane - _ringPanes)
        {
            _heldEvents -= pane.Events;
        }

        if (pane.Id > _newestPane - _paneCount)
        {
            Transfer(pane, _featureTarget, _features, Target, _pairSet, add: false);
        }

        if (Reference is { } reference && InReference(pane.Id, _newestPane))
        {
            Transfer(pane, reference.FeatureTarget, reference.Features, reference.Target, null, add: false);
        }
    }

    private void AddToWindow(Pane pane)
    {
        if (pane.Id > _newestPane - _ringPanes)
        {
            _heldEvents += pane.Events;
        }

        if (pane.Id > _newestPane - _paneCount)
        {
            Transfer(pane, _featureTarget, _features, Target, _pairSet, add: true);
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
        PairSet? pairs,
        bool add) =>
        Transfer(pane.FeatureTarget, pane.Pairs, tables, features, target, pairs, add);

    // Adds cells to tables, or subtracts them, with the margins that follow from the cells: each
    // feature's from its own table's rows, the target's from the first table's columns, and each
    // shared folded pair margin from the one pair table that owns it.
    private static void Transfer(
        IReadOnlyList<PagedCounts> featureCells,
        IReadOnlyList<PagedCounts> pairCells,
        IReadOnlyList<ContingencyTable> tables,
        IReadOnlyList<Marginal> features,
        Marginal target,
        PairSet? pairs,
        bool add)
    {
        for (var f = 0; f < tables.Count; f++)
        {
            var transfer = new PaneTransfer(tables[f], features[f], f == 0 ? target : null, add);
            featureCells[f].ForEachNonZero(ref transfer);
        }

        if (pairs is null)
        {
            return;
        }

        // Each shared folded margin moves with the first pair its feature is in, and only there.
        for (var p = 0; p < pairs.Tables.Length; p++)
        {
            var transfer = new PaneTransfer(
                pairs.Tables[p],
                pairs.RowMarginOwner[p],
                pairs.ColumnMarginOwner[p],
                add);
            pairCells[p].ForEachNonZero(ref transfer);
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
        if (eventTimeMs < Volatile.Read(ref _minTime))
        {
            Store(ref _minTime, eventTimeMs, lower: true);
        }

        if (eventTimeMs > Volatile.Read(ref _maxTime))
        {
            Store(ref _maxTime, eventTimeMs, lower: false);
        }
    }

    // Moves a time bound to a value beyond it. With concurrent writers, thread A may read the
    // bound, thread B store a value further out, and A's plain store would undo B's: a
    // compare-and-swap loop keeps the furthest value whatever the interleaving.
    private void Store(ref long bound, long value, bool lower)
    {
        if (!_concurrent)
        {
            Volatile.Write(ref bound, value);
            return;
        }

        var current = Volatile.Read(ref bound);
        while (lower ? value < current : value > current)
        {
            var seen = Interlocked.CompareExchange(ref bound, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private PairSet CreatePairSet(IReadOnlyList<(int A, int B)> pairs)
    {
        var list = pairs.ToArray();
        var margins = new Marginal?[_featureCapacities.Count];
        var tables = new ContingencyTable[list.Length];
        var rowOwner = new Marginal?[list.Length];
        var columnOwner = new Marginal?[list.Length];
        for (var p = 0; p < list.Length; p++)
        {
            var (a, b) = list[p];
            Debug.Assert(a != b, "a pair joins two different features");
            if (margins[a] is null)
            {
                margins[a] = new Marginal(PairCapacity(_featureCapacities[a]), _concurrent);
                rowOwner[p] = margins[a];
            }

            if (margins[b] is null)
            {
                margins[b] = new Marginal(PairCapacity(_featureCapacities[b]), _concurrent);
                columnOwner[p] = margins[b];
            }

            tables[p] = new ContingencyTable(margins[a]!, margins[b]!, _concurrent);
        }

        int[] paired = [.. Enumerable.Range(0, margins.Length).Where(f => margins[f] is not null)];
        return new PairSet(list, tables, paired, [.. paired.Select(f => margins[f]!)], rowOwner, columnOwner);
    }

    private int PairCapacity(int featureCapacity) => Math.Min(featureCapacity, 2 * _pairLevelCap);

    internal int FoldForPair(int level) => FoldForPair(level, _pairLevelCap);

    // A pair table keeps levels below twice the cap as they are and folds the rest onto the
    // upper half, so that two features of many levels make a table of at most (2 × cap)² cells.
    internal static int FoldForPair(int level, int pairLevelCap) =>
        level < 2 * pairLevelCap ? level : pairLevelCap + (level % pairLevelCap);

    // Division truncates toward zero; a negative remainder means the floor is one lower. Negating
    // a instead would overflow for times within a pane of long.MinValue and put them in a far
    // future pane, emptying the window.
    private static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return a % b < 0 ? quotient - 1 : quotient;
    }

    private static long? NullIfUnset(long value, long unset) => value == unset ? null : value;

    // The pair tables with the folded margin of each paired feature, shared by every table the
    // feature is in, and which table's pane transfers also move each margin.
    private sealed record PairSet(
        (int A, int B)[] Pairs,
        ContingencyTable[] Tables,
        int[] PairedFeatures,
        Marginal[] Margins,
        Marginal?[] RowMarginOwner,
        Marginal?[] ColumnMarginOwner);

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
