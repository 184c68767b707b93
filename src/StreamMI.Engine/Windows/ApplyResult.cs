namespace StreamMI.Engine.Windows;

/// <summary>What <see cref="WindowedTables"/> did with one event.</summary>
internal enum ApplyResult
{
    /// <summary>Counted into the window tables.</summary>
    Counted,

    /// <summary>Not in the window tables: its pane has left the window; counted as late.</summary>
    Late,

    /// <summary>
    /// Not counted anywhere: the window (with its lagged reference) already holds
    /// <see cref="WindowedTables.MaxEvents"/> events.
    /// </summary>
    WindowFull,
}
