namespace StreamMI.Engine.Drift;

/// <summary>Where a feature's dependency stands against the reference. The numbers are the metric's values.</summary>
public enum DriftState
{
    /// <summary>No drift: the last evaluations did not show a significant change.</summary>
    None = 0,

    /// <summary>A significant change was seen, not yet for long enough to call it drift.</summary>
    Suspected = 1,

    /// <summary>The change held for the configured number of panes; it clears only after calm panes.</summary>
    Drifting = 2,
}
