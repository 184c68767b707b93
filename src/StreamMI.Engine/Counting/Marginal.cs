using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StreamMI.Engine.Counting;

/// <summary>
/// The counts of one variable's levels (a margin of one or more contingency tables), with the
/// running fixed-point sum Σ φ(n) over levels, the number of non-zero levels and the total.
/// </summary>
/// <remarks>
/// <para>
/// A margin built for concurrent writers lets any number of threads increment and decrement at
/// once: each counter is changed with one <see cref="Interlocked"/> operation and the sum
/// receives exactly the φ difference of the transition that thread made, so at quiescence the
/// sum equals a recount.
/// </para>
/// <para>
/// A margin built for a single writer accepts changes from one thread at a time and changes
/// each counter with a plain read and a <see cref="Volatile.Write"/>. An interlocked operation
/// costs several times a plain one (about 9 ns against 1 to 3 ns on the benchmark machines), and
/// a windowed table whose panes rotate has one writer anyway.
/// </para>
/// <para>
/// In both cases a reader on any thread, running alongside the writer(s), never blocks them and
/// sees each field as of some recent moment, not all as of the same moment.
/// </para>
/// </remarks>
public sealed class Marginal
{
    private readonly int[] _counts;
    private readonly bool _concurrent;
    private long _sumPhi;
    private long _total;
    private int _nonZero;

    /// <summary>
    /// Creates a margin for levels 0 .. <paramref name="levels"/> − 1. With
    /// <paramref name="concurrentWriters"/> false, only one thread at a time may change it.
    /// </summary>
    public Marginal(int levels, bool concurrentWriters = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levels);
        _counts = new int[levels];
        _concurrent = concurrentWriters;
    }

    /// <summary>True when several threads may change the margin at once.</summary>
    public bool ConcurrentWriters => _concurrent;

    /// <summary>How many levels the margin can address.</summary>
    public int Levels => _counts.Length;

    /// <summary>Events counted.</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>Σ φ(n_level), fixed point.</summary>
    public long SumPhi => Volatile.Read(ref _sumPhi);

    /// <summary>Levels whose count is not zero.</summary>
    public int NonZeroLevels => Volatile.Read(ref _nonZero);

    /// <summary>The count of one level.</summary>
    public int Count(int level) => Volatile.Read(ref _counts[level]);

    /// <summary>Counts one event at <paramref name="level"/>.</summary>
    public void Increment(int level)
    {
        if (_concurrent)
        {
            IncrementShared(level);
        }
        else
        {
            IncrementAlone(level);
        }
    }

    /// <summary>
    /// <see cref="Increment"/> for a margin built for a single writer, for the hot loop of a
    /// caller that has checked <see cref="ConcurrentWriters"/> once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void IncrementAlone(int level)
    {
        Debug.Assert(!_concurrent, "only a single-writer margin may take plain updates");

        // One writer: plain reads see its own latest values, and each store is published whole.
        ref var count = ref _counts[level];
        var before = count;
        Volatile.Write(ref count, before + 1);
        Volatile.Write(ref _sumPhi, _sumPhi + EntropyTerms.IncrementDelta(before));
        Volatile.Write(ref _total, _total + 1);
        if (before == 0)
        {
            Volatile.Write(ref _nonZero, _nonZero + 1);
        }
    }

    /// <summary>Removes <paramref name="amount"/> events from <paramref name="level"/>.</summary>
    public void Subtract(int level, int amount)
    {
        if (_concurrent)
        {
            SubtractShared(level, amount);
            return;
        }

        ref var count = ref _counts[level];
        var before = count;
        var after = before - amount;
        Debug.Assert(after >= 0, "a margin never goes below zero: expiries subtract what was added");

        Volatile.Write(ref count, after);
        Volatile.Write(ref _sumPhi, _sumPhi + EntropyTerms.Phi(after) - EntropyTerms.Phi(before));
        Volatile.Write(ref _total, _total - amount);
        if (after == 0 && before != 0)
        {
            Volatile.Write(ref _nonZero, _nonZero - 1);
        }
    }

    /// <summary>
    /// Adds <paramref name="amount"/> events at <paramref name="level"/> at once, as restoring a saved
    /// pane or a pane entering a lagged reference window does.
    /// </summary>
    public void Add(int level, int amount)
    {
        Debug.Assert(amount >= 0, "an addition never removes events");

        if (_concurrent)
        {
            var after = Interlocked.Add(ref _counts[level], amount);
            var before = after - amount;
            Interlocked.Add(ref _sumPhi, EntropyTerms.Phi(after) - EntropyTerms.Phi(before));
            Interlocked.Add(ref _total, amount);
            if (before == 0 && after != 0)
            {
                Interlocked.Increment(ref _nonZero);
            }

            return;
        }

        ref var count = ref _counts[level];
        var old = count;
        var now = old + amount;
        Volatile.Write(ref count, now);
        Volatile.Write(ref _sumPhi, _sumPhi + EntropyTerms.Phi(now) - EntropyTerms.Phi(old));
        Volatile.Write(ref _total, _total + amount);
        if (old == 0 && now != 0)
        {
            Volatile.Write(ref _nonZero, _nonZero + 1);
        }
    }

    /// <summary>Copies the counts of every level into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<int> destination)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            destination[i] = Volatile.Read(ref _counts[i]);
        }
    }

    private void IncrementShared(int level)
    {
        var before = Interlocked.Increment(ref _counts[level]) - 1;
        Interlocked.Add(ref _sumPhi, EntropyTerms.IncrementDelta(before));
        Interlocked.Increment(ref _total);
        if (before == 0)
        {
            Interlocked.Increment(ref _nonZero);
        }
    }

    private void SubtractShared(int level, int amount)
    {
        var after = Interlocked.Add(ref _counts[level], -amount);
        var before = after + amount;
        Debug.Assert(after >= 0, "a margin never goes below zero: expiries subtract what was added");

        Interlocked.Add(ref _sumPhi, EntropyTerms.Phi(after) - EntropyTerms.Phi(before));
        Interlocked.Add(ref _total, -amount);

        // A subtraction of zero from an empty count leaves it empty: only a count that was
        // non-zero can leave the non-zero set.
        if (after == 0 && before != 0)
        {
            Interlocked.Decrement(ref _nonZero);
        }
    }
}
