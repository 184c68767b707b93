using StreamMI.Engine.Windows;

namespace StreamMI.Engine.State;

/// <summary>
/// A monitor's window state for one input partition: its panes and the discretisation that
/// gives their level numbers a meaning. Saved by one process, restored or merged by another.
/// </summary>
public sealed record PartitionState
{
    /// <summary>The monitor that counted it.</summary>
    public required string Monitor { get; init; }

    /// <summary>The window its panes belong to.</summary>
    public required WindowSpec Window { get; init; }

    /// <summary>The seed of the bucket hash of categorical fields.</summary>
    public required ulong HashSeed { get; init; }

    /// <summary>The features in schema order, then the target last.</summary>
    public required IReadOnlyList<FieldState> Fields { get; init; }

    /// <summary>Feature–feature pairs with a table, as feature indexes.</summary>
    public IReadOnlyList<(int A, int B)> Pairs { get; init; } = [];

    /// <summary>The panes.</summary>
    public required PartitionWindowState Tables { get; init; }
}
