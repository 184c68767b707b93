namespace StreamMI.Engine.Drift;

/// <summary>How far one variable's distribution moved between a reference window and the current one.</summary>
/// <param name="Psi">The population stability index, Σ (c_i − r_i) ln(c_i / r_i) over smoothed shares.</param>
/// <param name="JensenShannonBits">The Jensen–Shannon divergence of the two distributions, in bits, in [0, 1].</param>
/// <param name="GStatistic">The G statistic of the two-sample homogeneity test.</param>
/// <param name="DegreesOfFreedom">Levels seen in either window, minus one.</param>
/// <param name="PValue">P(χ² with that many degrees of freedom &gt; G); 1 without degrees of freedom.</param>
public readonly record struct MarginalShift(
    double Psi,
    double JensenShannonBits,
    double GStatistic,
    int DegreesOfFreedom,
    double PValue);
