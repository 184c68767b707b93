using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <content>Saving, restoring and merging the panes of one partition.</content>
public sealed partial class WindowedTables
{
    /// <summary>The partitions that have panes here, in the order they first appeared.</summary>
    public IReadOnlyList<int> PartitionIds => [.. _partitions.Select(p => p.Id)];

    /// <summary>
    /// A copy of one partition's panes. Belongs to the counting thread, like
    /// <see cref="Apply(int, ReadOnlySpan{int}, int, long)"/>, so the copy is a cut between two events.
    /// Throws <see cref="InvalidOperationException"/> for tables built without partition panes.
    /// </summary>
    public PartitionWindowState ExportPartition(int partition)
    {
        ThrowIfNoPanes();

        if (Find(partition) is not { } panes)
        {
            return PartitionWindowState.Empty;
        }

        var saved = new List<PaneState>(panes.Panes.Length);
        foreach (var pane in panes.Panes.Where(p => p.Id != long.MinValue).OrderBy(p => p.Id))
        {
            var featureTarget = pane.FeatureTarget.Select(Cells).ToArray();
            if (featureTarget.All(cells => cells.Length == 0))
            {
                continue;
            }

            saved.Add(new PaneState(pane.Id, featureTarget, [.. pane.Pairs.Select(Cells)]));
        }

        return new PartitionWindowState(panes.Newest, panes.First, panes.MinTime, panes.MaxTime, saved);
    }

    /// <summary>
    /// What makes <paramref name="state"/> unfit for these tables, in one sentence, or null when
    /// it fits: panes outside the partition's window, other table shapes, levels out of range.
    /// </summary>
    public string? FindProblem(PartitionWindowState state)
    {
        ArgumentNullException.ThrowIfNull(state);

        if (state.NewestPane == long.MinValue)
        {
            return state.Panes.Count == 0 ? null : "panes are saved but no newest pane is";
        }

        var ids = new HashSet<long>();
        foreach (var pane in state.Panes)
        {
            // Panes older than this ring are allowed and ignored on restore: a process saving
            // with a longer lagged reference keeps more panes than this one needs.
            if (pane.Id > state.NewestPane || (Window.Mode == WindowMode.WholeStream && pane.Id != 0))
            {
                return $"pane {pane.Id} is outside a window of {_paneCount} pane(s) ending at {state.NewestPane}";
            }

            if (!ids.Add(pane.Id))
            {
                return $"pane {pane.Id} is saved twice";
            }

            var pairTables = _pairSet.Tables;
            if (pane.FeatureTarget.Count != _featureTarget.Length || pane.Pairs.Count != pairTables.Length)
            {
                return $"a pane has {pane.FeatureTarget.Count} feature and {pane.Pairs.Count} pair table(s), "
                    + $"here there are {_featureTarget.Length} and {pairTables.Length}";
            }

            long? events = null;
            var tables = pane.FeatureTarget.Zip(_featureTarget).Concat(pane.Pairs.Zip(pairTables));
            foreach (var (cells, table) in tables)
            {
                long total = 0;
                foreach (var cell in cells)
                {
                    if ((uint)cell.Row >= (uint)table.Rows.Levels
                        || (uint)cell.Column >= (uint)table.Columns.Levels
                        || cell.Count <= 0)
                    {
                        return $"cell ({cell.Row}, {cell.Column}) = {cell.Count} does not fit a "
                            + $"{table.Rows.Levels} × {table.Columns.Levels} table";
                    }

                    total += cell.Count;
                }

                // Every event adds one to every table of its pane.
                events ??= total;
                if (events != total)
                {
                    return $"the tables of pane {pane.Id} hold {events} and {total} events; they must agree";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Replaces one partition's panes with saved ones: the old panes leave the window tables,
    /// the new ones inside the window join them, and the window moves on if the saved partition
    /// is ahead of it. Throws <see cref="ArgumentException"/> when <see cref="FindProblem"/>
    /// finds one or when the window would then hold more than <see cref="MaxEvents"/> events,
    /// and <see cref="InvalidOperationException"/> for tables built without partition panes.
    /// Belongs to the counting thread.
    /// </summary>
    public void ReplacePartition(int partition, PartitionWindowState state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ThrowIfNoPanes();
        if ((FindProblem(state) ?? FindOverflow(partition, state)) is { } problem)
        {
            throw new ArgumentException(
                $"The saved panes of partition {partition} do not fit: {problem}.",
                nameof(state));
        }

        RemovePartition(partition);
        if (state.NewestPane == long.MinValue)
        {
            return;
        }

        if (state.NewestPane > _newestPane)
        {
            AdvanceWindow(state.NewestPane);
        }

        // The ring is set up as if the partition's own events had advanced it to its newest pane,
        // so that later events find every slot of the partition's window labelled with its pane.
        var panes = AddPartition(partition);
        panes.Advance(state.NewestPane);
        panes.First = state.FirstPane;
        panes.MinTime = state.MinTimeMs;
        panes.MaxTime = state.MaxTimeMs;
        foreach (var saved in state.Panes.Where(p => p.Id > state.NewestPane - _ringPanes))
        {
            var pane = panes.PaneOf(saved.Id);
            FillPane(pane.FeatureTarget, saved.FeatureTarget);
            pane.Events = EventsIn(saved);
            FillPane(pane.Pairs, saved.Pairs);

            // Joins the window tables and the lagged reference where its id is inside them.
            AddToWindow(pane);
        }

        if (_firstPane == long.MinValue || (state.FirstPane != long.MinValue && state.FirstPane < _firstPane))
        {
            Volatile.Write(ref _firstPane, state.FirstPane);
        }

        if (state.MinTimeMs < _minTime)
        {
            Volatile.Write(ref _minTime, state.MinTimeMs);
        }

        if (state.MaxTimeMs > _maxTime)
        {
            Volatile.Write(ref _maxTime, state.MaxTimeMs);
        }
    }

    /// <summary>
    /// Why <paramref name="state"/> cannot replace the panes of <paramref name="partition"/>
    /// without passing the window's limit, in one sentence, or null when it can: the panes of
    /// the other partitions and the saved panes that the window and its lagged reference would
    /// keep must hold at most <see cref="MaxEvents"/> events. Refusing the whole state keeps the
    /// partition's panes consistent, where counting only part of it would not. Call after
    /// <see cref="FindProblem"/> finds none; belongs to the counting thread.
    /// </summary>
    internal string? FindOverflow(int partition, PartitionWindowState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.NewestPane == long.MinValue)
        {
            return null;
        }

        // The held panes after the replacement: the window may move on to the saved newest pane.
        var newest = Math.Max(_newestPane, state.NewestPane);
        long held = 0;
        foreach (var other in _partitions)
        {
            if (other.Id == partition)
            {
                continue;
            }

            foreach (var pane in other.Panes)
            {
                if (pane.Id != long.MinValue && pane.Id > newest - _ringPanes)
                {
                    held += pane.Events;
                }
            }
        }

        foreach (var saved in state.Panes)
        {
            if (saved.Id > newest - _ringPanes)
            {
                held += EventsIn(saved);
            }
        }

        return held > _maxEvents
            ? $"the window would hold {held} events with them, more than its limit of {_maxEvents}"
            : null;
    }

    /// <summary>
    /// Takes one partition's panes out of the window tables and forgets them. Belongs to the
    /// counting thread.
    /// </summary>
    public void RemovePartition(int partition)
    {
        if (Find(partition) is not { } panes)
        {
            return;
        }

        // A pane inside the window now was inside it whenever it was counted (the window only
        // moves forward), so all its counts are in the window tables; a pane inside the lagged
        // reference had its counts added on entry and its later events added directly.
        foreach (var pane in panes.Panes)
        {
            if (pane.Id != long.MinValue)
            {
                SubtractFromWindow(pane);
            }
        }

        _partitions.Remove(panes);
        _byId[partition] = null;
    }

    private void ThrowIfNoPanes()
    {
        if (!_keepsPanes)
        {
            throw new InvalidOperationException(
                "These tables were built without partition panes: there is no partition state to save or replace.");
        }
    }

    private PartitionPanes? Find(int partition) =>
        (uint)partition < (uint)_byId.Length ? _byId[partition] : null;

    private static TableCell[] Cells(PagedCounts counts)
    {
        var collector = new CellCollector([]);
        counts.ForEachNonZero(ref collector);
        return [.. collector.Cells];
    }

    // Every event adds one to every table of its pane, and FindProblem has checked that the
    // tables agree and that there is at least one.
    private static long EventsIn(PaneState saved) => saved.FeatureTarget[0].Sum(cell => (long)cell.Count);

    private static void FillPane(PagedCounts[] counts, IReadOnlyList<TableCell[]> cells)
    {
        for (var t = 0; t < counts.Length; t++)
        {
            foreach (var cell in cells[t])
            {
                Interlocked.Add(ref counts[t].GetOrAdd(cell.Row, cell.Column), cell.Count);
            }
        }
    }

    private readonly struct CellCollector(List<TableCell> cells) : ICellVisitor
    {
        public List<TableCell> Cells => cells;

        public void Visit(int row, int column, int count) => cells.Add(new TableCell(row, column, count));
    }
}
