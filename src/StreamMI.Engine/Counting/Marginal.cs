using System.Diagnostics;

namespace StreamMI.Engine.Counting;

/// <summary>
/// The counts of one variable's levels (a margin of one or more contingency tables), with the
/// running fixed-point sum Σ φ(n) over levels, the number of non-zero levels and the total.
/// </summary>
/// <remarks>
/// Any number of threads may increment and decrement concurrently: each counter is changed with
/// one <see cref="Interlocked"/> operation and the sum receives exactly the φ difference of the
/// transition that thread made, so at quiescence the sum equals a recount. A reader running
/// alongside writers sees each field as of some recent moment, not all as of the same moment.
/// </remarks>
public sealed class Marginal
{
    private readonly int[] _counts;
    private long _sumPhi;
    private long _total;
    private int _nonZero;

    /// <summary>Creates a margin for levels 0 .. <paramref name="levels"/> − 1.</summary>
    public Marginal(int levels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levels);
        _counts = new int[levels];
    }

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
        var before = Interlocked.Increment(ref _counts[level]) - 1;
        Interlocked.Add(ref _sumPhi, EntropyTerms.IncrementDelta(before));
        Interlocked.Increment(ref _total);
        if (before == 0)
        {
            Interlocked.Increment(ref _nonZero);
        }
    }

    /// <summary>
    /// Adds <paramref name="amount"/> events at <paramref name="level"/> at once, as restoring a saved
    /// pane or a pane entering a lagged reference window does.
    /// </summary>
    public void Add(int level, int amount)
    {
        Debug.Assert(amount >= 0, "an addition never removes events");

        var after = Interlocked.Add(ref _counts[level], amount);
        var before = after - amount;
        Interlocked.Add(ref _sumPhi, EntropyTerms.Phi(after) - EntropyTerms.Phi(before));
        Interlocked.Add(ref _total, amount);
        if (before == 0 && after != 0)
        {
            Interlocked.Increment(ref _nonZero);
        }
    }

    /// <summary>Removes <paramref name="amount"/> events from <paramref name="level"/>.</summary>
    public void Subtract(int level, int amount)
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

    /// <summary>Copies the counts of every level into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<int> destination)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            destination[i] = Volatile.Read(ref _counts[i]);
        }
    }
}
