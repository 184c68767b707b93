namespace StreamMI.Engine.Windows;

/// <summary>The counts of one pane of one partition, as saved and restored.</summary>
/// <param name="Id">The pane's number: event time in milliseconds divided by the pane length.</param>
/// <param name="FeatureTarget">Non-zero cells of each feature–target table, in feature order.</param>
/// <param name="Pairs">Non-zero cells of each feature–feature table, in pair order.</param>
public sealed record PaneState(
    long Id,
    IReadOnlyList<TableCell[]> FeatureTarget,
    IReadOnlyList<TableCell[]> Pairs);
