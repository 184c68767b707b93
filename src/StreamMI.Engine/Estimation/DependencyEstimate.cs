namespace StreamMI.Engine.Estimation;

/// <summary>
/// Everything the engine reports about the dependency between a feature (table rows) and
/// the target (table columns), computed from one contingency table by
/// <see cref="DependencyEstimator.Estimate"/>. Levels whose margin is zero are ignored
/// throughout. No property is ever NaN or infinite.
/// </summary>
/// <remarks>
/// <para>Degenerate tables follow scikit-learn's rules where it has one:</para>
/// <list type="bullet">
/// <item>Both sides with a single level (N &gt; 0): the normalised forms and AMI are 1, as
/// for two identical one-cluster labelings.</item>
/// <item>Exactly one side with a single level: AMI and the symmetric normalised forms are 0,
/// since I = 0 while the other side has entropy.</item>
/// <item>A single target level: <see cref="UncertaintyCoefficient"/> is 1, as scikit-learn's
/// homogeneity score (which is I / H(target)) is when the target has no entropy. A window in
/// which the target never varies therefore reports U = 1 for every feature; use AMI or the
/// symmetric forms to rank features in such a window.</item>
/// <item>An empty table (N = 0): every measure is 0, entropies included, and the p-value
/// is 1. This departs from scikit-learn, which scores two empty labelings as a perfect
/// match (1); an empty window is no evidence of dependence and must not look like one.</item>
/// </list>
/// </remarks>
public sealed record DependencyEstimate
{
    /// <summary>N, the number of observations in the table.</summary>
    public long Total { get; init; }

    /// <summary>m_x, the number of feature levels with a non-zero count.</summary>
    public int RowLevels { get; init; }

    /// <summary>m_y, the number of target levels with a non-zero count.</summary>
    public int ColumnLevels { get; init; }

    /// <summary>m_xy, the number of non-zero cells.</summary>
    public int NonZeroCells { get; init; }

    /// <summary>H(X), the plug-in entropy of the feature in nats.</summary>
    public double EntropyRowsNats { get; init; }

    /// <summary>H(Y), the plug-in entropy of the target in nats.</summary>
    public double EntropyColumnsNats { get; init; }

    /// <summary>H(X, Y), the plug-in joint entropy in nats.</summary>
    public double JointEntropyNats { get; init; }

    /// <summary>
    /// The plug-in mutual information Σ p ln(p / (p_x p_y)) in nats. It is biased upwards
    /// by about (m_xy − m_x − m_y + 1) / 2N; see the corrected and adjusted forms.
    /// </summary>
    public double MutualInformationNats { get; init; }

    /// <summary>The plug-in mutual information in bits.</summary>
    public double MutualInformationBits { get; init; }

    /// <summary>The Miller–Madow bias term (m_xy − m_x − m_y + 1) / 2N in nats.</summary>
    public double MillerMadowBiasNats { get; init; }

    /// <summary>
    /// The Miller–Madow corrected mutual information (plug-in minus the bias term) in nats.
    /// It is deliberately not clamped: on independent or sparse data it is often slightly
    /// negative, and clamping would bias averages and drift tests built on it.
    /// </summary>
    public double MillerMadowNats { get; init; }

    /// <summary>The Miller–Madow corrected MI in bits; may be negative.</summary>
    public double MillerMadowBits { get; init; }

    /// <summary>
    /// The exact expected plug-in mutual information under the permutation null with the
    /// table's margins, in nats (see <see cref="ExpectedMutualInformation"/>).
    /// </summary>
    public double ExpectedMutualInformationNats { get; init; }

    /// <summary>
    /// Adjusted mutual information (I − E[I]) / (mean(H(X), H(Y)) − E[I]), with the
    /// arithmetic mean as in scikit-learn's default. About 0 for independent data however
    /// sparse the table, 1 for a perfect match; it can be slightly negative.
    /// </summary>
    public double AdjustedMutualInformation { get; init; }

    /// <summary>
    /// Normalised mutual information with the arithmetic mean, 2I / (H(X) + H(Y)), which is
    /// also the symmetric uncertainty.
    /// </summary>
    public double NormalizedMutualInformation { get; init; }

    /// <summary>Normalised MI with the geometric mean, I / sqrt(H(X) H(Y)).</summary>
    public double NormalizedGeometric { get; init; }

    /// <summary>
    /// The uncertainty coefficient U(Y|X) = I / H(Y): the fraction of the target's entropy
    /// that the feature explains.
    /// </summary>
    public double UncertaintyCoefficient { get; init; }

    /// <summary>The G statistic 2N·I (I in nats).</summary>
    public double GStatistic { get; init; }

    /// <summary>(m_x − 1)(m_y − 1), the degrees of freedom of the G test.</summary>
    public long DegreesOfFreedom { get; init; }

    /// <summary>
    /// P(χ² with <see cref="DegreesOfFreedom"/> degrees of freedom &gt; G), and 1 when there
    /// are no degrees of freedom. The χ² approximation is badly anti-conservative on sparse
    /// tables (expected cell counts under about 5): a feature with nearly as many levels as
    /// observations gets p ≈ 0 on independent data. Prefer AMI there.
    /// </summary>
    public double PValue { get; init; }

    /// <summary>
    /// The per-observation variance of the plug-in estimate by the delta method,
    /// Σ p ln²(p / (p_x p_y)) − I², so that Var(I) ≈ VarianceNats / N. That expression is
    /// zero under exact independence, where the estimate still varies, so it is floored at
    /// the null value dof / 2N: under independence 2N·I is χ² with dof degrees of freedom,
    /// whose variance 2·dof gives Var(I) = dof / 2N², i.e. dof / 2N per observation.
    /// </summary>
    public double VarianceNats { get; init; }

    /// <summary>
    /// sqrt(VarianceNats / N), the standard error of the plug-in estimate in nats. It is 0 for
    /// an empty table, which has no estimate to be uncertain about; callers comparing two
    /// windows must not form a z score from an empty one.
    /// </summary>
    public double StandardErrorNats { get; init; }
}
