namespace StreamMI.Engine.Discretisation;

/// <summary>
/// Bins a numeric variable by interior edges e_1 &lt; … &lt; e_{B−1}: level 1 holds values below
/// e_1, level B values at or above e_{B−1}; NaN is the missing level 0.
/// </summary>
/// <remarks>
/// Edges are either given (and frozen from the start) or learned once from a warm-up sample as
/// equal-frequency quantiles and then frozen. Edges never move afterwards: moving edges would
/// change the meaning of every level and show up as drift that is not in the data.
/// </remarks>
public sealed class NumericBinner
{
    // Up to this many edges a branch-free count beats a binary search.
    private const int LinearEdges = 32;

    private double[] _edges;

    /// <summary>A binner with fixed edges.</summary>
    public NumericBinner(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        _edges = Normalise(edges);
        Bins = _edges.Length + 1;
        IsFrozen = true;
    }

    /// <summary>A binner that will learn <paramref name="bins"/> equal-frequency bins.</summary>
    public NumericBinner(int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        Bins = bins;
        _edges = [];
    }

    /// <summary>Bins requested; a learned binner may end with fewer when values repeat.</summary>
    public int Bins { get; }

    /// <summary>Level numbers in use at most: missing and the bins.</summary>
    public int Capacity => 1 + Bins;

    /// <summary>True once the edges are fixed.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>The interior edges.</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>The level of a value. Only valid once <see cref="IsFrozen"/>.</summary>
    public int Encode(double value)
    {
        if (double.IsNaN(value))
        {
            return Levels.Missing;
        }

        // The number of edges at or below the value is the zero-based bin. A binary search
        // mispredicts about half its branches on random values; a few bins are counted instead,
        // with no branch on the comparison at all.
        var edges = _edges;
        if (edges.Length <= LinearEdges)
        {
            var below = 0;
            foreach (var edge in edges)
            {
                below += edge <= value ? 1 : 0;
            }

            return 1 + below;
        }

        var lo = 0;
        var hi = edges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (edges[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return 1 + lo;
    }

    /// <summary>
    /// Learns equal-frequency edges from a sample and freezes them. Repeated quantiles collapse,
    /// so a variable with few distinct values gets fewer bins than asked for.
    /// </summary>
    public void Freeze(ReadOnlySpan<double> sample)
    {
        if (IsFrozen)
        {
            throw new InvalidOperationException("The edges are frozen already.");
        }

        var sorted = new List<double>(sample.Length);
        foreach (var v in sample)
        {
            if (!double.IsNaN(v))
            {
                sorted.Add(v);
            }
        }

        sorted.Sort();
        var edges = new List<double>(Bins - 1);
        for (var k = 1; k < Bins && sorted.Count > 0; k++)
        {
            // The lower k/B quantile; an edge equal to the smallest value would leave bin 1 empty.
            var q = sorted[(int)((long)k * sorted.Count / Bins)];
            if (q > sorted[0] && (edges.Count == 0 || q > edges[^1]))
            {
                edges.Add(q);
            }
        }

        _edges = [.. edges];
        IsFrozen = true;
    }

    /// <summary>
    /// Freezes the edges at values learned elsewhere, such as by the process that saved a
    /// window's state, so that levels mean the same intervals on both sides.
    /// </summary>
    public void FreezeAt(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (IsFrozen)
        {
            throw new InvalidOperationException("The edges are frozen already.");
        }

        if (edges.Count > Bins - 1)
        {
            throw new ArgumentException($"{edges.Count} edges make more than the {Bins} bins asked for.", nameof(edges));
        }

        _edges = Normalise(edges);
        IsFrozen = true;
    }

    /// <summary>A human-readable name for a level: the interval it covers.</summary>
    public string LevelName(int level)
    {
        if (level == Levels.Missing)
        {
            return Levels.MissingName;
        }

        var lower = level == 1 ? "-inf" : _edges[level - 2].ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        var upper = level - 1 >= _edges.Length ? "+inf" : _edges[level - 1].ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        return $"[{lower}, {upper})";
    }

    private static double[] Normalise(IReadOnlyList<double> edges)
    {
        for (var i = 0; i < edges.Count; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
            {
                throw new ArgumentException("Bin edges must be finite and strictly increasing.", nameof(edges));
            }
        }

        return [.. edges];
    }
}
