namespace StreamMI.Engine.Drift;

/// <summary>Adjusted p-values for a family of tests, so that each is compared with one level.</summary>
public static class MultipleComparisons
{
    /// <summary>The name output uses for a correction.</summary>
    public static string Name(Correction correction) => correction switch
    {
        Correction.BenjaminiHochberg => "benjamini-hochberg",
        Correction.Bonferroni => "bonferroni",
        _ => "none",
    };

    /// <summary>
    /// Adjusted p-values in the order of <paramref name="pValues"/>: a test is rejected at level α
    /// when its adjusted value is at most α.
    /// </summary>
    /// <remarks>
    /// Benjamini–Hochberg adjusted values are q_(i) = min over j ≥ i of m·p_(j) / j for the
    /// ascending p-values p_(1) ≤ … ≤ p_(m), capped at 1; rejecting q ≤ α is the step-up
    /// procedure. Bonferroni multiplies by m.
    /// </remarks>
    public static double[] Adjust(ReadOnlySpan<double> pValues, Correction correction)
    {
        var m = pValues.Length;
        var adjusted = new double[m];
        switch (correction)
        {
            case Correction.None:
                pValues.CopyTo(adjusted);
                return adjusted;
            case Correction.Bonferroni:
                for (var i = 0; i < m; i++)
                {
                    adjusted[i] = Math.Min(1, pValues[i] * m);
                }

                return adjusted;
        }

        var order = new int[m];
        for (var i = 0; i < m; i++)
        {
            order[i] = i;
        }

        var copy = pValues.ToArray();
        Array.Sort(copy, order);

        // Walk from the largest p-value down, carrying the running minimum.
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var index = order[rank - 1];
            running = Math.Min(running, copy[rank - 1] * m / rank);
            adjusted[index] = running;
        }

        return adjusted;
    }
}
