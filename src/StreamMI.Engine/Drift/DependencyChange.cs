namespace StreamMI.Engine.Drift;

/// <summary>
/// The change of a feature's bias-corrected MI with the target between a reference window and
/// the current one, with its standard error and test statistic.
/// </summary>
/// <param name="DeltaNats">Δ = (I_cur − b_cur) − (I_ref − b_ref), in nats.</param>
/// <param name="StandardErrorNats">sqrt(V_cur / N_cur + V_ref / N_ref), in nats.</param>
/// <param name="Z">Δ divided by its standard error; 0 when the standard error is 0.</param>
/// <param name="PValue">The two-sided normal p-value of <paramref name="Z"/>.</param>
public readonly record struct DependencyChange(
    double DeltaNats,
    double StandardErrorNats,
    double Z,
    double PValue);
