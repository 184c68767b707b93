namespace StreamMI.Engine.Drift;

/// <summary>
/// One feature against the reference at the last pane evaluation: the change of its dependency on
/// the target, the shift of its own distribution, and its drift state.
/// </summary>
/// <remarks>Values that were not tested (too few events) are NaN; reports write them as null.</remarks>
public sealed record FeatureDrift
{
    /// <summary>Plug-in MI over the reference window, in nats.</summary>
    public required double ReferencePlugInNats { get; init; }

    /// <summary>Miller–Madow corrected MI over the reference window, in nats.</summary>
    public required double ReferenceCorrectedNats { get; init; }

    /// <summary>Miller–Madow corrected MI over the current window at the evaluation, in nats.</summary>
    public required double CurrentCorrectedNats { get; init; }

    /// <summary>The change of dependency and its test.</summary>
    public required DependencyChange Change { get; init; }

    /// <summary>The p-value of <see cref="Change"/> after the correction for testing all features.</summary>
    public required double AdjustedPValue { get; init; }

    /// <summary>What this evaluation says about the dependency.</summary>
    public required DriftVerdict Verdict { get; init; }

    /// <summary>The drift state after this evaluation.</summary>
    public required DriftState State { get; init; }

    /// <summary>The shift of the feature's own distribution (marginal drift).</summary>
    public required MarginalShift Marginal { get; init; }

    /// <summary>The marginal G test's p-value after the correction for testing all features.</summary>
    public required double MarginalAdjustedPValue { get; init; }

    /// <summary>True when PSI is over its threshold and the corrected marginal test is significant.</summary>
    public required bool MarginalShifted { get; init; }
}
