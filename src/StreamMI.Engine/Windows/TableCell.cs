namespace StreamMI.Engine.Windows;

/// <summary>One non-zero cell of a pane's contingency table.</summary>
/// <param name="Row">The row level (a feature's level).</param>
/// <param name="Column">The column level (the target's, or a second feature's).</param>
/// <param name="Count">Events in the cell; always positive.</param>
public readonly record struct TableCell(int Row, int Column, int Count);
