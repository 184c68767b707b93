using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StreamMI.Engine.Counting;

/// <summary>
/// A grid of Int32 counts, columns × rows, whose storage is allocated a page at a time on first
/// touch, so a table sized for thousands of levels costs memory only for the levels it has seen.
/// </summary>
/// <remarks>
/// Layout: one directory entry per column, each a lazily allocated array of pages, each page
/// <see cref="PageSize"/> consecutive rows of that column. Any thread may call
/// <see cref="GetOrAdd"/>: a missing page or column is published with one compare-and-swap, and
/// the loser of a race drops its own array and uses the winner's, so no increment is lost.
/// Counts inside a page are changed only through <see cref="Interlocked"/> by the caller.
/// </remarks>
public sealed class PagedCounts
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 64;

    private const int PageShift = 6;

    private readonly int[]?[]?[] _columns;
    private readonly int _pagesPerColumn;

    /// <summary>Creates an empty grid.</summary>
    public PagedCounts(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);

        Rows = rows;
        Columns = columns;
        _pagesPerColumn = (rows + PageSize - 1) >> PageShift;
        _columns = new int[]?[]?[columns];
    }

    /// <summary>How many rows the grid can address.</summary>
    public int Rows { get; }

    /// <summary>How many columns the grid can address.</summary>
    public int Columns { get; }

    /// <summary>The count at a cell, allocating its page when it has none yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref int GetOrAdd(int row, int column)
    {
        Debug.Assert((uint)row < (uint)Rows && (uint)column < (uint)Columns);

        var pages = Volatile.Read(ref _columns[column]) ?? AddColumn(column);
        var page = Volatile.Read(ref pages[row >> PageShift]) ?? AddPage(pages, row >> PageShift);
        return ref page[row & (PageSize - 1)];
    }

    /// <summary>The count at a cell; zero when its page was never allocated.</summary>
    public int Get(int row, int column)
    {
        var pages = Volatile.Read(ref _columns[column]);
        var page = pages is null ? null : Volatile.Read(ref pages[row >> PageShift]);
        return page is null ? 0 : Volatile.Read(ref page[row & (PageSize - 1)]);
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every non-zero cell, column by column. Counts changed
    /// by other threads during the walk may be seen before or after the change.
    /// </summary>
    public void ForEachNonZero<TVisitor>(ref TVisitor visit)
        where TVisitor : struct, ICellVisitor
    {
        for (var column = 0; column < _columns.Length; column++)
        {
            var pages = Volatile.Read(ref _columns[column]);
            if (pages is null)
            {
                continue;
            }

            for (var p = 0; p < pages.Length; p++)
            {
                var page = Volatile.Read(ref pages[p]);
                if (page is null)
                {
                    continue;
                }

                for (var i = 0; i < page.Length; i++)
                {
                    var count = Volatile.Read(ref page[i]);
                    if (count != 0)
                    {
                        visit.Visit((p << PageShift) + i, column, count);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Sets every count to zero and keeps the pages for reuse. Only for a grid no other thread is
    /// writing to, such as an expired pane.
    /// </summary>
    public void Clear()
    {
        foreach (var pages in _columns)
        {
            if (pages is null)
            {
                continue;
            }

            foreach (var page in pages)
            {
                if (page is not null)
                {
                    Array.Clear(page);
                }
            }
        }
    }

    /// <summary>Bytes held by allocated pages and directories, for memory accounting.</summary>
    public long AllocatedBytes()
    {
        long bytes = (long)_columns.Length * IntPtr.Size;
        foreach (var pages in _columns)
        {
            if (pages is null)
            {
                continue;
            }

            bytes += (long)pages.Length * IntPtr.Size;
            foreach (var page in pages)
            {
                bytes += page is null ? 0 : PageSize * sizeof(int);
            }
        }

        return bytes;
    }

    private int[]?[] AddColumn(int column)
    {
        var fresh = new int[]?[_pagesPerColumn];
        return Interlocked.CompareExchange(ref _columns[column], fresh, null) ?? fresh;
    }

    private static int[] AddPage(int[]?[] pages, int index)
    {
        var fresh = new int[PageSize];
        return Interlocked.CompareExchange(ref pages[index], fresh, null) ?? fresh;
    }
}
