namespace StreamMI.Engine.Drift;

/// <summary>What counts as drift, and against which reference.</summary>
public sealed record DriftSettings
{
    /// <summary>The reference the current window is compared with.</summary>
    public required ReferenceSpec Reference { get; init; }

    /// <summary>
    /// |z| at or above which a change of dependency is significant. Evaluations come once a pane
    /// over overlapping windows, so a feature is tested thousands of times a day on nearly the same
    /// data; at 3 a stationary stream drifted about twice per 10,000 feature-panes in the engine's
    /// false-alarm test, at 4 never in 15,000.
    /// </summary>
    public double ZThreshold { get; init; } = 4;

    /// <summary>
    /// |z| below which a drifting feature counts as calm. Lower than <see cref="ZThreshold"/>, so
    /// a z hovering at the threshold does not flip the state back and forth.
    /// </summary>
    public double ClearZ { get; init; } = 2;

    /// <summary>
    /// The smallest |Δ| of corrected MI, in nats, that counts as a change worth reporting, however
    /// significant: on large windows a tiny, real but irrelevant change has a large z. The default is
    /// 0.01 bits.
    /// </summary>
    public double MinimumDeltaNats { get; init; } = 0.01 * 0.69314718055994530942;

    /// <summary>Events needed in both the current and the reference window before anything is judged.</summary>
    public long MinimumEvents { get; init; } = 1000;

    /// <summary>Consecutive significant pane evaluations needed to go from suspected to drifting.</summary>
    public int PersistencePanes { get; init; } = 3;

    /// <summary>Consecutive calm pane evaluations needed for a drifting feature to clear.</summary>
    public int ClearPanes { get; init; } = 3;

    /// <summary>The level the corrected p-values are compared with (the false discovery rate for Benjamini–Hochberg).</summary>
    public double SignificanceLevel { get; init; } = 0.05;

    /// <summary>How the p-values of all features are corrected for testing many at once.</summary>
    public Correction Correction { get; init; } = Correction.BenjaminiHochberg;

    /// <summary>PSI at or above which a feature's or the target's own distribution has shifted (with a significant G test).</summary>
    public double PsiThreshold { get; init; } = 0.1;

    /// <summary>Throws with a message naming the setting when the settings cannot work.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Reference);
        Reference.Validate();
        if (!(ZThreshold > 0) || !double.IsFinite(ZThreshold))
        {
            throw new ArgumentException($"The drift z threshold must be positive; it is {ZThreshold}.");
        }

        if (!(ClearZ >= 0) || ClearZ > ZThreshold)
        {
            throw new ArgumentException($"The clearing z ({ClearZ}) must be from 0 to the z threshold ({ZThreshold}).");
        }

        if (!(MinimumDeltaNats >= 0) || !double.IsFinite(MinimumDeltaNats))
        {
            throw new ArgumentException($"The minimum drift must be 0 or more; it is {MinimumDeltaNats}.");
        }

        if (MinimumEvents < 1)
        {
            throw new ArgumentException($"The minimum events for drift must be at least 1; it is {MinimumEvents}.");
        }

        if (PersistencePanes < 1 || ClearPanes < 1)
        {
            throw new ArgumentException("Drift persistence and clearing need at least 1 pane each.");
        }

        if (!(SignificanceLevel > 0 && SignificanceLevel < 1))
        {
            throw new ArgumentException($"The significance level must be between 0 and 1; it is {SignificanceLevel}.");
        }

        if (!(PsiThreshold >= 0) || !double.IsFinite(PsiThreshold))
        {
            throw new ArgumentException($"The PSI threshold must be 0 or more; it is {PsiThreshold}.");
        }
    }
}
