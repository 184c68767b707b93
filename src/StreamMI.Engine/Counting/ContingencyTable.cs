using System.Diagnostics;
using System.Runtime.CompilerServices;
using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Counting;

/// <summary>
/// A two-way contingency table (rows: a feature's levels, columns: the target's or a second
/// feature's levels) whose plug-in mutual information is current after every event.
/// </summary>
/// <remarks>
/// <para>
/// The table keeps S_xy = Σ φ(n_xy) over its cells; its margins keep S_x and S_y. Then
/// I = ln N + (S_xy − S_x − S_y) / N, so an event costs a constant number of counter updates
/// whatever the number of levels (see <see cref="EntropyTerms"/> for why the sums are fixed point).
/// </para>
/// <para>
/// Margins may be shared: every feature–target table of a monitor uses the same target margin,
/// and the owner of a shared margin increments it once per event. A table built with
/// <see cref="CreateWithOwnMargins"/> updates its margins itself in <see cref="Increment"/>.
/// </para>
/// <para>
/// Threads: in a table built for concurrent writers (the default), any number may call
/// <see cref="Increment"/> and <see cref="Subtract"/> at once; every counter changes with one
/// interlocked operation and no lock is taken. A table built for a single writer takes changes
/// from one thread at a time and publishes each counter with a plain
/// <see cref="Volatile.Write"/>, which costs a fraction of an interlocked operation (see
/// <see cref="Marginal"/>). Either way readers never block writers. A reader that runs alongside
/// writers may see the cell sum of an event before its margins (or the reverse), so a live MI
/// read is off by at most the events in flight; once the writers pause, every read equals a
/// recount.
/// </para>
/// </remarks>
public sealed class ContingencyTable
{
    private readonly PagedCounts _cells;
    private readonly bool _ownsMargins;
    private readonly bool _concurrent;
    private long _sumPhi;
    private int _nonZeroCells;

    /// <summary>
    /// Creates a table over margins that its owner keeps up to date. With
    /// <paramref name="concurrentWriters"/> false, only one thread at a time may change it.
    /// </summary>
    public ContingencyTable(Marginal rows, Marginal columns, bool concurrentWriters = true)
        : this(rows, columns, ownsMargins: false, concurrentWriters)
    {
    }

    private ContingencyTable(Marginal rows, Marginal columns, bool ownsMargins, bool concurrentWriters)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);

        Rows = rows;
        Columns = columns;
        _cells = new PagedCounts(rows.Levels, columns.Levels);
        _ownsMargins = ownsMargins;
        _concurrent = concurrentWriters;
    }

    /// <summary>Creates a table whose <see cref="Increment"/> also counts into its own margins.</summary>
    public static ContingencyTable CreateWithOwnMargins(
        int rowLevels,
        int columnLevels,
        bool concurrentWriters = true) =>
        new(
            new Marginal(rowLevels, concurrentWriters),
            new Marginal(columnLevels, concurrentWriters),
            ownsMargins: true,
            concurrentWriters);

    /// <summary>True when several threads may change the table at once.</summary>
    public bool ConcurrentWriters => _concurrent;

    /// <summary>The row margin (a feature's levels).</summary>
    public Marginal Rows { get; }

    /// <summary>The column margin (the target's levels, or a second feature's).</summary>
    public Marginal Columns { get; }

    /// <summary>Events in the table: the column margin's total.</summary>
    public long Total => Columns.Total;

    /// <summary>Σ φ(n_xy) over cells, fixed point.</summary>
    public long SumPhi => Volatile.Read(ref _sumPhi);

    /// <summary>Cells whose count is not zero.</summary>
    public int NonZeroCells => Volatile.Read(ref _nonZeroCells);

    /// <summary>The grid of cell counts, for walks over non-zero cells.</summary>
    internal PagedCounts Cells => _cells;

    /// <summary>The count of one cell.</summary>
    public int Count(int row, int column) => _cells.Get(row, column);

    /// <summary>Counts one event in cell (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public void Increment(int row, int column)
    {
        if (!_concurrent)
        {
            IncrementAlone(row, column);
        }
        else
        {
            ref var cell = ref _cells.GetOrAdd(row, column);
            var before = Interlocked.Increment(ref cell) - 1;
            Interlocked.Add(ref _sumPhi, EntropyTerms.IncrementDelta(before));
            if (before == 0)
            {
                Interlocked.Increment(ref _nonZeroCells);
            }
        }

        if (_ownsMargins)
        {
            Rows.Increment(row);
            Columns.Increment(column);
        }
    }

    /// <summary>
    /// Adds <paramref name="amount"/> events to one cell at once, as restoring a saved pane or a
    /// pane entering a lagged reference window does.
    /// </summary>
    public void Add(int row, int column, int amount)
    {
        Debug.Assert(amount >= 0, "an addition never removes events");

        ref var cell = ref _cells.GetOrAdd(row, column);
        int after;
        if (_concurrent)
        {
            after = Interlocked.Add(ref cell, amount);
        }
        else
        {
            after = cell + amount;
            Volatile.Write(ref cell, after);
        }

        var before = after - amount;
        AddToSums(EntropyTerms.Phi(after) - EntropyTerms.Phi(before), before == 0 && after != 0 ? 1 : 0);

        if (_ownsMargins)
        {
            Rows.Add(row, amount);
            Columns.Add(column, amount);
        }
    }

    /// <summary>
    /// Counts one event in a cell of a single-writer table, leaving the margins to the caller:
    /// the hot loop of a caller that has checked <see cref="ConcurrentWriters"/> once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void IncrementAlone(int row, int column)
    {
        Debug.Assert(!_concurrent, "only a single-writer table may take plain updates");

        ref var cell = ref _cells.GetOrAdd(row, column);
        var before = cell;
        Volatile.Write(ref cell, before + 1);
        Volatile.Write(ref _sumPhi, _sumPhi + EntropyTerms.IncrementDelta(before));
        if (before == 0)
        {
            Volatile.Write(ref _nonZeroCells, _nonZeroCells + 1);
        }
    }

    /// <summary>Removes <paramref name="amount"/> events from one cell, as a pane expiry does.</summary>
    public void Subtract(int row, int column, int amount)
    {
        ref var cell = ref _cells.GetOrAdd(row, column);
        int after;
        if (_concurrent)
        {
            after = Interlocked.Add(ref cell, -amount);
        }
        else
        {
            after = cell - amount;
            Volatile.Write(ref cell, after);
        }

        var before = after + amount;
        Debug.Assert(after >= 0, "a cell never goes below zero: expiries subtract what was added");

        // A subtraction of zero from an empty count leaves it empty: only a count that was
        // non-zero can leave the non-zero set.
        AddToSums(EntropyTerms.Phi(after) - EntropyTerms.Phi(before), after == 0 && before != 0 ? -1 : 0);

        if (_ownsMargins)
        {
            Rows.Subtract(row, amount);
            Columns.Subtract(column, amount);
        }
    }

    // Adds a change of the cell sum and of the number of non-zero cells, with interlocked
    // operations when several threads write the table.
    private void AddToSums(long delta, int nonZeroChange)
    {
        if (_concurrent)
        {
            Interlocked.Add(ref _sumPhi, delta);
            if (nonZeroChange != 0)
            {
                Interlocked.Add(ref _nonZeroCells, nonZeroChange);
            }
        }
        else
        {
            Volatile.Write(ref _sumPhi, _sumPhi + delta);
            if (nonZeroChange != 0)
            {
                Volatile.Write(ref _nonZeroCells, _nonZeroCells + nonZeroChange);
            }
        }
    }

    /// <summary>
    /// Plug-in mutual information in nats from the running sums: O(1), current after every event.
    /// </summary>
    /// <remarks>
    /// Every φ term in the sums is rounded to the nearest 2^-32 nat, so the value lies within
    /// (m_xy + m_x + m_y) · 2^-33 / N nat of the plug-in MI computed directly in doubles, with m the
    /// non-zero cells and levels. That is below 10^-12 from a few thousand events on, but up to
    /// about 10^-10 for a window of a handful of events; either is far below the estimate's own
    /// sampling error of order 1/N.
    /// </remarks>
    public double MutualInformationNats()
    {
        var n = Total;
        if (n <= 0)
        {
            return 0;
        }

        var units = SumPhi - Rows.SumPhi - Columns.SumPhi;
        var mi = Math.Log(n) + EntropyTerms.ToNats(units) / n;

        // Rounding of the fixed-point terms can leave a few 1e-10 nats below zero on an
        // independent table; MI itself is never negative.
        return Math.Max(mi, 0);
    }

    /// <summary>
    /// Copies the non-zero rows and columns into a dense <see cref="TableSnapshot"/> for the
    /// read-time estimators. <paramref name="rowLevels"/> and <paramref name="columnLevels"/>
    /// receive the original level index of each snapshot row and column.
    /// </summary>
    public TableSnapshot Snapshot(out int[] rowLevels, out int[] columnLevels)
    {
        rowLevels = NonZeroLevels(Rows);
        columnLevels = NonZeroLevels(Columns);

        var rowIndex = new int[Rows.Levels];
        Array.Fill(rowIndex, -1);
        for (var i = 0; i < rowLevels.Length; i++)
        {
            rowIndex[rowLevels[i]] = i;
        }

        var columnIndex = new int[Columns.Levels];
        Array.Fill(columnIndex, -1);
        for (var j = 0; j < columnLevels.Length; j++)
        {
            columnIndex[columnLevels[j]] = j;
        }

        var counts = new long[rowLevels.Length * columnLevels.Length];
        var copy = new DenseCopy(counts, rowIndex, columnIndex, columnLevels.Length);
        _cells.ForEachNonZero(ref copy);
        return new TableSnapshot(rowLevels.Length, columnLevels.Length, counts);
    }

    /// <summary>
    /// Recomputes the cell sum and non-zero count from the cells. For tests and self-checks: it
    /// must equal <see cref="SumPhi"/> whenever no writer is active.
    /// </summary>
    public (long SumPhi, int NonZeroCells) Recount()
    {
        var recount = new Recounter();
        _cells.ForEachNonZero(ref recount);
        return (recount.Sum, recount.NonZero);
    }

    /// <summary>Bytes of cell storage allocated so far.</summary>
    public long AllocatedBytes() => _cells.AllocatedBytes();

    private static int[] NonZeroLevels(Marginal margin)
    {
        var levels = new List<int>();
        for (var level = 0; level < margin.Levels; level++)
        {
            if (margin.Count(level) != 0)
            {
                levels.Add(level);
            }
        }

        return [.. levels];
    }

    private struct DenseCopy(long[] counts, int[] rowIndex, int[] columnIndex, int width)
        : ICellVisitor
    {
        public readonly void Visit(int row, int column, int count)
        {
            var r = rowIndex[row];
            var c = columnIndex[column];

            // A cell counted after the margins were read has no row or column in the snapshot;
            // it belongs to the next read.
            if (r >= 0 && c >= 0)
            {
                counts[r * width + c] = count;
            }
        }
    }

    private struct Recounter : ICellVisitor
    {
        public long Sum;
        public int NonZero;

        public void Visit(int row, int column, int count)
        {
            Sum += EntropyTerms.Phi(count);
            NonZero++;
        }
    }
}
