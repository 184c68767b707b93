namespace StreamMI.Engine.Redundancy;

/// <summary>Chooses which feature–feature pairs get redundancy tables.</summary>
/// <remarks>
/// Pair tables cost an update per pair per event and grow as K(K−1)/2, so only the K most
/// relevant features are paired. The choice is made once, from the warm-up events or from a
/// frozen reference, and is fixed afterwards: a feature that becomes relevant later has no pair
/// tables and is ranked after the redundancy set.
/// </remarks>
public static class PairSelection
{
    /// <summary>The indexes of the <paramref name="k"/> most relevant features, most relevant first; ties to the lower index.</summary>
    public static int[] TopK(ReadOnlySpan<double> relevance, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        var order = new int[relevance.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var values = relevance.ToArray();
        Array.Sort(order, (a, b) => values[a] != values[b] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        return order[..Math.Min(k, order.Length)];
    }

    /// <summary>Every pair of the given features, each pair once, lower feature index first.</summary>
    public static IReadOnlyList<(int A, int B)> AllPairs(IReadOnlyList<int> features)
    {
        ArgumentNullException.ThrowIfNull(features);

        var sorted = features.Order().ToArray();
        var pairs = new List<(int A, int B)>(sorted.Length * (sorted.Length - 1) / 2);
        for (var i = 0; i < sorted.Length; i++)
        {
            for (var j = i + 1; j < sorted.Length; j++)
            {
                pairs.Add((sorted[i], sorted[j]));
            }
        }

        return pairs;
    }
}
