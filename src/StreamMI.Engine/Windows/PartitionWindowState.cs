namespace StreamMI.Engine.Windows;

/// <summary>
/// Everything the window holds for one input partition: its panes, and how far event time has
/// reached in it. A function of that partition's events alone, so it can be saved by one process
/// and restored or merged by another.
/// </summary>
/// <param name="NewestPane">The newest pane the partition has reached; <c>long.MinValue</c> before any event.</param>
/// <param name="FirstPane">The pane of the partition's first event; <c>long.MinValue</c> before any event.</param>
/// <param name="MinTimeMs">The earliest event time counted, Unix ms; <c>long.MaxValue</c> before any event.</param>
/// <param name="MaxTimeMs">The latest event time counted, Unix ms; <c>long.MinValue</c> before any event.</param>
/// <param name="Panes">The non-empty panes, each inside the partition's own window.</param>
public sealed record PartitionWindowState(
    long NewestPane,
    long FirstPane,
    long MinTimeMs,
    long MaxTimeMs,
    IReadOnlyList<PaneState> Panes)
{
    /// <summary>The state of a partition that has seen no event.</summary>
    public static PartitionWindowState Empty { get; } =
        new(long.MinValue, long.MinValue, long.MaxValue, long.MinValue, []);

    /// <summary>Events in all panes, from the first feature's table.</summary>
    public long Events =>
        Panes.Sum(p => p.FeatureTarget.Count == 0 ? 0L : p.FeatureTarget[0].Sum(c => (long)c.Count));
}
