using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <summary>
/// The feature–target tables of a lagged reference window: the same length as the current window,
/// a fixed number of panes earlier. <see cref="WindowedTables"/> keeps them up to date.
/// </summary>
/// <remarks>
/// <para>
/// Written only by the thread that applies events to the window (a pane entering or leaving the
/// reference is added or subtracted cell by cell), so its tables are built for a single writer;
/// any thread may read, as with the window tables.
/// </para>
/// <para>
/// The reference is not simply an earlier state of the window: a pane keeps taking events while
/// it is in the window, after older panes have left, and late events of a lagging partition go
/// into panes outside the window. Its K panes could therefore hold more than the window ever did.
/// <see cref="WindowedTables"/> bounds it by holding every pane from the oldest of the reference
/// to the newest of the window to <see cref="WindowedTables.MaxEvents"/> events together.
/// </para>
/// </remarks>
public sealed class LaggedReference
{
    private readonly Marginal[] _features;
    private readonly ContingencyTable[] _featureTarget;

    internal LaggedReference(IReadOnlyList<ContingencyTable> windowTables, int lagPanes)
    {
        LagPanes = lagPanes;
        Target = new Marginal(windowTables[0].Columns.Levels, concurrentWriters: false);
        _features = [.. windowTables.Select(t => new Marginal(t.Rows.Levels, concurrentWriters: false))];
        _featureTarget = [.. _features.Select(f => new ContingencyTable(f, Target, concurrentWriters: false))];
    }

    /// <summary>Panes between the current window and the reference.</summary>
    public int LagPanes { get; }

    /// <summary>The target margin of the reference.</summary>
    public Marginal Target { get; }

    /// <summary>Each feature's margin in the reference.</summary>
    public IReadOnlyList<Marginal> Features => _features;

    /// <summary>One table per feature, rows the feature's levels, columns the target's.</summary>
    public IReadOnlyList<ContingencyTable> FeatureTarget => _featureTarget;

    /// <summary>Events in the reference window.</summary>
    public long Events => Target.Total;
}
