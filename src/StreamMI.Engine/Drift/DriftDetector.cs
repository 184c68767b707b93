namespace StreamMI.Engine.Drift;

/// <summary>
/// Evaluates every feature of a monitor against the reference once per pane and keeps each
/// feature's drift state.
/// </summary>
/// <remarks>
/// <para>
/// A feature's dependency change is significant when its two-sided p-value, corrected across the
/// features tested together (Benjamini–Hochberg by default), is at most the significance level,
/// |z| is at least the threshold and |Δ| at least the practical minimum. Only features with enough
/// events in both windows take part in the correction.
/// </para>
/// <para>
/// Threads: <see cref="Evaluate"/> changes the state machines and belongs to one thread at a time
/// (the monitor's counting stage). It returns an immutable result that any thread may read.
/// </para>
/// </remarks>
public sealed class DriftDetector
{
    private readonly DriftStateMachine[] _machines;

    /// <summary>Creates a detector for <paramref name="features"/> features, all in state none.</summary>
    public DriftDetector(DriftSettings settings, int features)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        Settings = settings;
        _machines = new DriftStateMachine[features];
        for (var i = 0; i < features; i++)
        {
            _machines[i] = new DriftStateMachine(settings.PersistencePanes, settings.ClearPanes);
        }
    }

    /// <summary>The thresholds.</summary>
    public DriftSettings Settings { get; }

    /// <summary>Evaluations so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>Compares the current window with the reference and moves every state machine one pane.</summary>
    public DriftEvaluation Evaluate(WindowSummary current, WindowSummary reference)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(reference);
        var n = _machines.Length;
        if (current.Moments.Count != n || reference.Moments.Count != n)
        {
            throw new ArgumentException($"Both windows must summarise the detector's {n} features.");
        }

        var s = Settings;
        var changes = new DependencyChange[n];
        var marginals = new MarginalShift[n];
        var sufficient = new bool[n];
        var tested = new List<int>(n);
        for (var f = 0; f < n; f++)
        {
            changes[f] = DependencyDriftTest.Compare(current.Moments[f], reference.Moments[f]);
            marginals[f] = DistributionShift.Compare(current.FeatureCounts[f], reference.FeatureCounts[f]);
            sufficient[f] = current.Moments[f].Total >= s.MinimumEvents && reference.Moments[f].Total >= s.MinimumEvents;
            if (sufficient[f])
            {
                tested.Add(f);
            }
        }

        var dependencyAdjusted = Adjusted(tested, changes.Select(c => c.PValue).ToArray(), n);
        var marginalAdjusted = Adjusted(tested, marginals.Select(m => m.PValue).ToArray(), n);

        var features = new FeatureDrift[n];
        for (var f = 0; f < n; f++)
        {
            var verdict = Verdict(sufficient[f], changes[f], dependencyAdjusted[f]);
            features[f] = new FeatureDrift
            {
                ReferencePlugInNats = reference.Moments[f].PlugInNats,
                ReferenceCorrectedNats = reference.Moments[f].CorrectedNats,
                CurrentCorrectedNats = current.Moments[f].CorrectedNats,
                Change = changes[f],
                AdjustedPValue = dependencyAdjusted[f],
                Verdict = verdict,
                State = _machines[f].Step(verdict),
                Marginal = marginals[f],
                MarginalAdjustedPValue = marginalAdjusted[f],
                MarginalShifted = sufficient[f]
                    && marginals[f].Psi >= s.PsiThreshold
                    && marginalAdjusted[f] <= s.SignificanceLevel,
            };
        }

        var target = DistributionShift.Compare(current.TargetCounts, reference.TargetCounts);
        var targetShifted = current.Events >= s.MinimumEvents
            && reference.Events >= s.MinimumEvents
            && target.Psi >= s.PsiThreshold
            && target.PValue <= s.SignificanceLevel;
        Evaluations++;
        return new DriftEvaluation(target, targetShifted, features);
    }

    private DriftVerdict Verdict(bool sufficient, DependencyChange change, double adjusted)
    {
        var s = Settings;
        if (!sufficient)
        {
            return DriftVerdict.Insufficient;
        }

        var z = Math.Abs(change.Z);
        var large = Math.Abs(change.DeltaNats) >= s.MinimumDeltaNats;
        if (large && z >= s.ZThreshold && adjusted <= s.SignificanceLevel)
        {
            return DriftVerdict.Significant;
        }

        return large && z >= s.ClearZ ? DriftVerdict.Holding : DriftVerdict.Calm;
    }

    private double[] Adjusted(List<int> tested, double[] pValues, int n)
    {
        var adjusted = new double[n];
        Array.Fill(adjusted, double.NaN);
        var family = tested.Select(f => pValues[f]).ToArray();
        var corrected = MultipleComparisons.Adjust(family, Settings.Correction);
        for (var i = 0; i < tested.Count; i++)
        {
            adjusted[tested[i]] = corrected[i];
        }

        return adjusted;
    }
}
