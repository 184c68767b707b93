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
/// Threads: by default <see cref="Apply"/> belongs to one thread at a time (a monitor's counting
/// stage), and the tables are built for a single writer, whose counter updates cost a fraction
/// of interlocked ones. A whole-stream window, which never rotates panes, may instead be built
/// with <c>concurrentWriters</c>: then any number of threads may call <see cref="Apply"/> at
/// once and every counter changes with an interlocked operation. Either way the tables are
/// lock-free, so any thread may read them at any moment; a reader during a pane expiry sees
/// part of the old pane already subtracted.
/// </para>
/// <para>
/// A whole-stream window keeps no pane counts: nothing ever expires, so they would never be
/// read.
/// </para>
/// <para>
/// Feature–feature tables fold each feature's levels to at most 2 × <c>pairLevelCap</c> rows by
/// taking levels above the cap modulo the cap. Their MI is then that of the folded variables,
/// a lower bound on the true redundancy for features with more levels than the cap. The folded
/// margin of a feature is kept once and shared by every pair table the feature is in.
/// </para>
/// </remarks>
public sealed class WindowedTables
{
    private readonly Pane[] _panes;
    private readonly Marginal[] _features;
    private readonly ContingencyTable[] _featureTarget;
    private readonly ContingencyTable[] _pairTables;
    private readonly (int A, int B)[] _pairs;

    // The features that are in at least one pair, each with its folded margin.
    private readonly int[] _pairedFeatures;
    private readonly Marginal[] _pairMargins;

    // Which pair's expiry also subtracts each folded margin: the first pair a feature is in.
    private readonly Marginal?[] _expireRowMargin;
    private readonly Marginal?[] _expireColumnMargin;
    private readonly int _pairLevelCap;
    private readonly long _paneMs;
    private readonly bool _wholeStream;
    private readonly bool _concurrent;
    private long _newestPane = long.MinValue;
    private long _firstPane = long.MinValue;
    private long _late;
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    /// <summary>
    /// Creates empty tables. <paramref name="concurrentWriters"/> lets several threads call
    /// <see cref="Apply"/> at once; only a whole-stream window allows it.
    /// </summary>
    public WindowedTables(
        WindowSpec window,
        IReadOnlyList<int> featureCapacities,
        int targetCapacity,
        IReadOnlyList<(int A, int B)>? pairs = null,
        int pairLevelCap = 64,
        bool concurrentWriters = false)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(featureCapacities);
        if (featureCapacities.Count == 0)
        {
            throw new ArgumentException("A monitor needs at least one feature.", nameof(featureCapacities));
        }

        window.Validate();
        if (concurrentWriters && window.Mode != WindowMode.WholeStream)
        {
            throw new ArgumentException(
                "Only a whole-stream window takes concurrent writers: pane rotation has one writer.",
                nameof(concurrentWriters));
        }

        Window = window;
        _paneMs = window.PaneMilliseconds;
        _wholeStream = window.Mode == WindowMode.WholeStream;
        _concurrent = concurrentWriters;
        _pairs = pairs is null ? [] : [.. pairs];
        _pairLevelCap = pairLevelCap;

        Target = new Marginal(targetCapacity, concurrentWriters);
        _features = new Marginal[featureCapacities.Count];
        _featureTarget = new ContingencyTable[featureCapacities.Count];
        for (var f = 0; f < _features.Length; f++)
        {
            _features[f] = new Marginal(featureCapacities[f], concurrentWriters);
            _featureTarget[f] = new ContingencyTable(_features[f], Target, concurrentWriters);
        }

        var pairMargins = new Marginal?[_features.Length];
        _pairTables = new ContingencyTable[_pairs.Length];
        _expireRowMargin = new Marginal?[_pairs.Length];
        _expireColumnMargin = new Marginal?[_pairs.Length];
        for (var p = 0; p < _pairs.Length; p++)
        {
            var (a, b) = _pairs[p];
            if (pairMargins[a] is null)
            {
                pairMargins[a] = new Marginal(PairCapacity(featureCapacities[a]), concurrentWriters);
                _expireRowMargin[p] = pairMargins[a];
            }

            if (pairMargins[b] is null)
            {
                pairMargins[b] = new Marginal(PairCapacity(featureCapacities[b]), concurrentWriters);
                _expireColumnMargin[p] = pairMargins[b];
            }

            _pairTables[p] = new ContingencyTable(pairMargins[a]!, pairMargins[b]!, concurrentWriters);
        }

        _pairedFeatures = [.. Enumerable.Range(0, _features.Length).Where(f => pairMargins[f] is not null)];
        _pairMargins = [.. _pairedFeatures.Select(f => pairMargins[f]!)];

        _panes = new Pane[window.PaneCount];
        for (var i = 0; i < _panes.Length; i++)
        {
            _panes[i] = new Pane(_featureTarget, _pairTables);
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
    public IReadOnlyList<ContingencyTable> Pairs => _pairTables;

    /// <summary>The feature indexes of each pair table.</summary>
    public IReadOnlyList<(int A, int B)> PairFeatures => _pairs;

    /// <summary>Events in the window.</summary>
    public long Events => Target.Total;

    /// <summary>Events that arrived after their pane had left the window.</summary>
    public long LateEvents => Volatile.Read(ref _late);

    /// <summary>Start of the window in Unix milliseconds, or null before the first event.</summary>
    public long? StartMs => Window.Mode == WindowMode.WholeStream
        ? NullIfUnset(Volatile.Read(ref _minTime), long.MaxValue)
        : NewestPane is { } newest ? (newest - _panes.Length + 1) * _paneMs : null;

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
            return Math.Min(1.0, (double)reached / _panes.Length);
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

        var paneId = _wholeStream ? 0 : FloorDiv(eventTimeMs, _paneMs);
        if (paneId > Volatile.Read(ref _newestPane))
        {
            Advance(paneId);
        }
        else if (paneId <= _newestPane - _panes.Length)
        {
            Interlocked.Increment(ref _late);
            return false;
        }

        TrackTime(eventTimeMs);
        var features = _features;
        var tables = _featureTarget;
        if (_concurrent)
        {
            Target.Increment(targetLevel);
            for (var f = 0; f < tables.Length; f++)
            {
                var level = featureLevels[f];
                features[f].Increment(level);
                tables[f].Increment(level, targetLevel);
            }
        }
        else
        {
            Target.IncrementAlone(targetLevel);
            for (var f = 0; f < tables.Length; f++)
            {
                var level = featureLevels[f];
                features[f].IncrementAlone(level);
                tables[f].IncrementAlone(level, targetLevel);
            }
        }

        if (_pairs.Length > 0)
        {
            for (var i = 0; i < _pairedFeatures.Length; i++)
            {
                _pairMargins[i].Increment(FoldForPair(featureLevels[_pairedFeatures[i]]));
            }

            for (var p = 0; p < _pairs.Length; p++)
            {
                var a = FoldForPair(featureLevels[_pairs[p].A]);
                var b = FoldForPair(featureLevels[_pairs[p].B]);
                _pairTables[p].Increment(a, b);
            }
        }

        if (!_wholeStream)
        {
            CountInPane(paneId, featureLevels, targetLevel);
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

    // With concurrent writers (whole stream only) the first events of two threads may both get
    // here; each writes the same values, pane 0 and no expiry, so the race is harmless.
    private void Advance(long paneId)
    {
        if (_firstPane == long.MinValue)
        {
            _firstPane = paneId;
        }

        // Panes from the one after the newest up to the new one start now; each takes the slot of
        // the pane K before it, which has just left the window. A jump of K panes or more empties
        // the whole window.
        var from = _newestPane == long.MinValue
            ? paneId - _panes.Length + 1
            : Math.Max(_newestPane + 1, paneId - _panes.Length + 1);
        for (var id = from; id <= paneId; id++)
        {
            var pane = _panes[Slot(id)];
            if (pane.Id != long.MinValue)
            {
                Expire(pane);
            }

            pane.Id = id;
        }

        Volatile.Write(ref _newestPane, paneId);
    }

    // Only the single writer of a rotating window gets here, and only it reads pane counts (when
    // the pane expires), so plain increments suffice.
    private void CountInPane(long paneId, ReadOnlySpan<int> featureLevels, int targetLevel)
    {
        var pane = _panes[Slot(paneId)];
        Debug.Assert(pane.Id == paneId, "the slot of a pane inside the window holds that pane");

        var cells = pane.FeatureTarget;
        for (var f = 0; f < cells.Length; f++)
        {
            cells[f].GetOrAdd(featureLevels[f], targetLevel)++;
        }

        for (var p = 0; p < _pairs.Length; p++)
        {
            var a = FoldForPair(featureLevels[_pairs[p].A]);
            var b = FoldForPair(featureLevels[_pairs[p].B]);
            pane.Pairs[p].GetOrAdd(a, b)++;
        }
    }

    private void Expire(Pane pane)
    {
        for (var f = 0; f < _featureTarget.Length; f++)
        {
            var expiry = new FeatureExpiry(_featureTarget[f], _features[f], f == 0 ? Target : null);
            pane.FeatureTarget[f].ForEachNonZero(ref expiry);
            pane.FeatureTarget[f].Clear();
        }

        for (var p = 0; p < _pairTables.Length; p++)
        {
            var expiry = new FeatureExpiry(_pairTables[p], _expireRowMargin[p], _expireColumnMargin[p]);
            pane.Pairs[p].ForEachNonZero(ref expiry);
            pane.Pairs[p].Clear();
        }
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

    private sealed class Pane
    {
        public Pane(IReadOnlyList<ContingencyTable> featureTarget, IReadOnlyList<ContingencyTable> pairs)
        {
            FeatureTarget = [.. featureTarget.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
            Pairs = [.. pairs.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
        }

        public long Id { get; set; } = long.MinValue;

        public PagedCounts[] FeatureTarget { get; }

        public PagedCounts[] Pairs { get; }

        public long AllocatedBytes() =>
            FeatureTarget.Sum(c => c.AllocatedBytes()) + Pairs.Sum(c => c.AllocatedBytes());
    }

    /// <summary>Subtracts an expiring pane's cells from a window table and, once, from margins.</summary>
    private readonly struct FeatureExpiry(ContingencyTable table, Marginal? rows, Marginal? columns)
        : ICellVisitor
    {
        public void Visit(int row, int column, int count)
        {
            table.Subtract(row, column, count);
            rows?.Subtract(row, count);
            columns?.Subtract(column, count);
        }
    }
}
