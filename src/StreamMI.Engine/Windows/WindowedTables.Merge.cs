using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <content>
/// Adding the counts of other tables of the same shape: the per-thread shards of a whole-stream
/// count, merged at the end because whole-stream counts are additive.
/// </content>
public sealed partial class WindowedTables
{
    /// <summary>
    /// Adds every count of <paramref name="other"/> to these tables: each cell of every
    /// feature–target and pair table, every margin (the shared folded pair margins included),
    /// the late events and the event-time bounds. Both must be whole-stream tables without
    /// partition panes, with the same capacities and the same pairs, and together they may hold at
    /// most <see cref="MaxEvents"/> events.
    /// </summary>
    /// <remarks>
    /// The writer of these tables (or, with concurrent writers, one of them) runs this, and
    /// <paramref name="other"/> must not change meanwhile. Cells and margins are added with
    /// <see cref="ContingencyTable.Add"/> and <see cref="Marginal.Add"/>, whose φ differences
    /// telescope, so afterwards every running sum equals a recount of the combined cells.
    /// </remarks>
    public void AddCounts(WindowedTables other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("Tables cannot add their own counts.", nameof(other));
        }

        if (_keepsPanes || other._keepsPanes
            || Window.Mode != WindowMode.WholeStream || other.Window.Mode != WindowMode.WholeStream)
        {
            throw new InvalidOperationException(
                "Only whole-stream tables without partition panes add up: panes would miss the added counts.");
        }

        var pairs = Volatile.Read(ref _pairSet);
        var otherPairs = Volatile.Read(ref other._pairSet);
        if (!SameShape(other, pairs, otherPairs))
        {
            throw new ArgumentException(
                "The tables differ in features, level capacities or pairs.", nameof(other));
        }

        if (other.NewestPane is null)
        {
            // Nothing was ever counted there.
            return;
        }

        // Checked before anything is added, so that refused counts leave these tables as they were.
        if (Target.Total + other.Target.Total > _maxEvents)
        {
            throw new InvalidOperationException(
                $"The tables would hold {Target.Total + other.Target.Total} events, more than the "
                + $"window's limit of {_maxEvents}: their fixed-point sums could overflow.");
        }

        for (var f = 0; f < _featureTarget.Length; f++)
        {
            AddCells(other._featureTarget[f], _featureTarget[f]);
            AddLevels(other._features[f], _features[f]);
        }

        AddLevels(other.Target, Target);
        for (var p = 0; p < pairs.Tables.Length; p++)
        {
            AddCells(otherPairs.Tables[p], pairs.Tables[p]);
        }

        for (var i = 0; i < pairs.Margins.Length; i++)
        {
            AddLevels(otherPairs.Margins[i], pairs.Margins[i]);
        }

        if (other.LateEvents != 0)
        {
            Interlocked.Add(ref _late, other.LateEvents);
        }

        TrackTime(Volatile.Read(ref other._minTime));
        TrackTime(Volatile.Read(ref other._maxTime));
        if (Volatile.Read(ref _newestPane) == long.MinValue)
        {
            Volatile.Write(ref _firstPane, 0);
            Volatile.Write(ref _newestPane, 0);
        }
    }

    /// <summary>
    /// Creates an empty <see cref="WholeStreamTally"/> shaped like these tables (same capacities,
    /// same pairs), for one thread to count into and <see cref="AddCounts(WholeStreamTally)"/> to
    /// add later. Only whole-stream tables without partition panes make tallies, and only once
    /// their pairs are chosen: pairs chosen later would be missing from the tally.
    /// </summary>
    public WholeStreamTally CreateTally()
    {
        RequireAdditive();
        var pairs = Volatile.Read(ref _pairSet);
        return new WholeStreamTally(
            this,
            [.. _featureTarget.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))],
            [.. pairs.Tables.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))],
            pairs.Pairs,
            _pairLevelCap);
    }

    /// <summary>
    /// Adds a tally these tables made (<see cref="CreateTally"/>): every cell, the margins and the
    /// φ sums that follow from them, and its event-time bounds, as if each of its events had been
    /// applied here. Together the tables and the tally may hold at most <see cref="MaxEvents"/>
    /// events.
    /// </summary>
    /// <remarks>
    /// The writer of these tables runs this, and the tally's writer must have finished with it.
    /// The tally is left as it was; adding it twice counts its events twice.
    /// </remarks>
    public void AddCounts(WholeStreamTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        if (!ReferenceEquals(tally.Owner, this))
        {
            throw new ArgumentException("The tally was made by other tables.", nameof(tally));
        }

        RequireAdditive();
        var pairs = Volatile.Read(ref _pairSet);
        if (!tally.PairFeatures.SequenceEqual(pairs.Pairs))
        {
            throw new ArgumentException("The pairs were chosen after the tally was made.", nameof(tally));
        }

        if (tally.Events == 0)
        {
            return;
        }

        if (Target.Total + tally.Events > _maxEvents)
        {
            throw new InvalidOperationException(
                $"The tables would hold {Target.Total + tally.Events} events, more than the "
                + $"window's limit of {_maxEvents}: their fixed-point sums could overflow.");
        }

        Transfer(tally.FeatureTarget, tally.Pairs, _featureTarget, _features, Target, pairs, add: true);
        TrackTime(tally.StartMs!.Value);
        TrackTime(tally.EndMs!.Value);
        if (Volatile.Read(ref _newestPane) == long.MinValue)
        {
            Volatile.Write(ref _firstPane, 0);
            Volatile.Write(ref _newestPane, 0);
        }
    }

    private void RequireAdditive()
    {
        if (_keepsPanes || Window.Mode != WindowMode.WholeStream)
        {
            throw new InvalidOperationException(
                "Only whole-stream tables without partition panes add up: panes would miss the added counts.");
        }
    }

    private bool SameShape(WindowedTables other, PairSet pairs, PairSet otherPairs)
    {
        if (other._features.Length != _features.Length
            || other.Target.Levels != Target.Levels
            || other._pairLevelCap != _pairLevelCap
            || !otherPairs.Pairs.AsSpan().SequenceEqual(pairs.Pairs))
        {
            return false;
        }

        for (var f = 0; f < _features.Length; f++)
        {
            if (other._features[f].Levels != _features[f].Levels)
            {
                return false;
            }
        }

        return true;
    }

    private static void AddCells(ContingencyTable from, ContingencyTable to)
    {
        var adder = new CellAdder(to);
        from.Cells.ForEachNonZero(ref adder);
    }

    private static void AddLevels(Marginal from, Marginal to)
    {
        for (var level = 0; level < from.Levels; level++)
        {
            var count = from.Count(level);
            if (count != 0)
            {
                to.Add(level, count);
            }
        }
    }

    /// <summary>Adds each visited cell to a table whose margins the caller adds separately.</summary>
    private readonly struct CellAdder(ContingencyTable table) : ICellVisitor
    {
        public void Visit(int row, int column, int count) => table.Add(row, column, count);
    }
}
