namespace StreamMI.Engine.Drift;

/// <summary>The outcome of one evaluation of every feature and the target against the reference.</summary>
/// <param name="Target">The shift of the target's distribution (prior drift).</param>
/// <param name="TargetShifted">True when the target's PSI is over its threshold and its G test is significant.</param>
/// <param name="Features">Each feature's drift, in the monitor's feature order.</param>
public sealed record DriftEvaluation(
    MarginalShift Target,
    bool TargetShifted,
    IReadOnlyList<FeatureDrift> Features);
