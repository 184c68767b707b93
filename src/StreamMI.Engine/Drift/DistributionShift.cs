using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Drift;

/// <summary>
/// Compares a variable's level counts in two windows: population stability index,
/// Jensen–Shannon divergence and a G test of homogeneity.
/// </summary>
/// <remarks>
/// <para>
/// Counts are indexed by level number, which means the same value in both windows because the
/// reference and the current window share one discretisation. A level missing from the shorter
/// span counts as zero.
/// </para>
/// <para>
/// PSI is a symmetrised Kullback–Leibler divergence and is infinite when a level is empty in one
/// window only, so its shares are smoothed: each level seen in either window gets half an event
/// added, p_i = (n_i + ½) / (N + k/2) over the k levels seen. The Jensen–Shannon divergence is
/// finite without smoothing and uses the raw shares. The G test is the likelihood-ratio test of
/// the 2 × k table (window × level): G = 2 Σ n ln(n / expected), χ² with k − 1 degrees of
/// freedom when both windows come from one distribution.
/// </para>
/// </remarks>
public static class DistributionShift
{
    /// <summary>The pseudo-count added to each level seen in either window before PSI.</summary>
    public const double PsiPseudoCount = 0.5;

    private const double Ln2 = 0.69314718055994530942;

    /// <summary>Compares <paramref name="current"/> with <paramref name="reference"/>.</summary>
    public static MarginalShift Compare(ReadOnlySpan<long> current, ReadOnlySpan<long> reference)
    {
        var length = Math.Max(current.Length, reference.Length);
        long currentTotal = 0;
        long referenceTotal = 0;
        var seen = 0;
        for (var i = 0; i < length; i++)
        {
            var c = At(current, i);
            var r = At(reference, i);
            currentTotal += c;
            referenceTotal += r;
            if (c + r > 0)
            {
                seen++;
            }
        }

        if (currentTotal == 0 || referenceTotal == 0)
        {
            return new MarginalShift(0, 0, 0, 0, 1);
        }

        double nc = currentTotal;
        double nr = referenceTotal;
        double all = nc + nr;
        double psi = 0;
        double jensenShannon = 0;
        double g = 0;
        for (var i = 0; i < length; i++)
        {
            double c = At(current, i);
            double r = At(reference, i);
            if (c + r == 0)
            {
                continue;
            }

            var pc = (c + PsiPseudoCount) / (nc + (PsiPseudoCount * seen));
            var pr = (r + PsiPseudoCount) / (nr + (PsiPseudoCount * seen));
            psi += (pc - pr) * Math.Log(pc / pr);

            // JS = ½ KL(P‖M) + ½ KL(Q‖M) with M the average of the raw shares.
            var p = c / nc;
            var q = r / nr;
            var m = (p + q) / 2;
            jensenShannon += (p > 0 ? p * Math.Log(p / m) : 0) + (q > 0 ? q * Math.Log(q / m) : 0);

            // Expected counts under one shared distribution: the pooled share times each total.
            var pooled = (c + r) / all;
            g += (c > 0 ? c * Math.Log(c / (pooled * nc)) : 0) + (r > 0 ? r * Math.Log(r / (pooled * nr)) : 0);
        }

        g = Math.Max(0, 2 * g);
        var dof = seen - 1;
        var pValue = dof > 0 ? SpecialFunctions.ChiSquaredSurvival(g, dof) : 1;
        var jsBits = Math.Clamp(jensenShannon / 2 / Ln2, 0, 1);
        return new MarginalShift(Math.Max(0, psi), jsBits, g, dof, pValue);
    }

    private static long At(ReadOnlySpan<long> counts, int i) => i < counts.Length ? counts[i] : 0;
}
