namespace StreamMI.Engine.Drift;

/// <summary>What one pane evaluation says about a feature's dependency (see <see cref="DriftStateMachine"/>).</summary>
public enum DriftVerdict
{
    /// <summary>Too few events in the current or the reference window.</summary>
    Insufficient,

    /// <summary>Calm: |z| below the clearing threshold, or |Δ| below the practical minimum.</summary>
    Calm,

    /// <summary>|z| between the clearing threshold and significance.</summary>
    Holding,

    /// <summary>Significant after correction, |z| over the threshold and |Δ| over the minimum.</summary>
    Significant,
}
