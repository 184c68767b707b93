using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Drift;

/// <summary>The z test of a change in bias-corrected mutual information between two windows.</summary>
/// <remarks>
/// <para>
/// Δ = (I_cur − b_cur) − (I_ref − b_ref) with b the Miller–Madow bias term, so that a window with
/// fewer events (and so more upward bias) does not read as a stronger dependency. The two windows
/// are treated as independent samples: Var Δ = V_cur / N_cur + V_ref / N_ref, each V the
/// delta-method variance floored at its null value (<see cref="InformationMoments"/>).
/// </para>
/// <para>
/// The normal approximation is good where a feature carries information. Near independence the
/// estimate is a scaled χ² with few degrees of freedom, whose right tail is heavier than the
/// normal's, so the p-value is then too small; the practical minimum on |Δ| in
/// <see cref="DriftSettings"/> is what keeps such features from raising drift on noise.
/// </para>
/// </remarks>
public static class DependencyDriftTest
{
    /// <summary>Compares the current window with the reference.</summary>
    public static DependencyChange Compare(InformationMoments current, InformationMoments reference)
    {
        var delta = current.CorrectedNats - reference.CorrectedNats;
        var standardError = Math.Sqrt(current.EstimateVariance + reference.EstimateVariance);
        if (!(standardError > 0))
        {
            return new DependencyChange(delta, 0, 0, 1);
        }

        var z = delta / standardError;
        return new DependencyChange(delta, standardError, z, TwoSidedNormalPValue(z));
    }

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    /// <remarks>Z² is χ² with one degree of freedom, so this is Q(1/2, z²/2), exact in the far tail.</remarks>
    public static double TwoSidedNormalPValue(double z) =>
        double.IsNaN(z) ? 1 : SpecialFunctions.RegularizedGammaQ(0.5, z * z / 2);
}
