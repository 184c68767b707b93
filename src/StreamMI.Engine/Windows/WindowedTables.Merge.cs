using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <content>
/// Adding up a whole-stream count made elsewhere: the tallies of cells that the threads of a
/// scan count into, added at the end because whole-stream counts are additive.
/// </content>
public sealed partial class WindowedTables
{
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
}
