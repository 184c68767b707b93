namespace StreamMI.Engine.Windows;

/// <summary>The shape of a monitor's window.</summary>
/// <param name="Mode">Sliding, tumbling or whole stream.</param>
/// <param name="Length">The window's length in event time (ignored for the whole stream).</param>
/// <param name="Panes">Panes a sliding window is cut into; expiry happens a pane at a time.</param>
public sealed record WindowSpec(WindowMode Mode, TimeSpan Length, int Panes)
{
    /// <summary>A window over every event.</summary>
    public static WindowSpec WholeStream { get; } = new(WindowMode.WholeStream, TimeSpan.Zero, 1);

    /// <summary>A sliding window of <paramref name="panes"/> panes covering <paramref name="length"/>.</summary>
    public static WindowSpec Sliding(TimeSpan length, int panes) => new(WindowMode.Sliding, length, panes);

    /// <summary>A tumbling window of <paramref name="length"/>.</summary>
    public static WindowSpec Tumbling(TimeSpan length) => new(WindowMode.Tumbling, length, 1);

    /// <summary>Panes held at once.</summary>
    public int PaneCount => Mode == WindowMode.Sliding ? Panes : 1;

    /// <summary>One pane's length in milliseconds of event time.</summary>
    /// <remarks>
    /// A length that does not divide into whole milliseconds per pane is rounded down, so such a
    /// window is shorter than configured by less than one millisecond per pane (a 1-hour window
    /// of 7 panes covers 3,599,995 ms). Panes start at multiples of this length since the Unix
    /// epoch, so every worker cuts the same event times into the same panes.
    /// </remarks>
    public long PaneMilliseconds => Mode switch
    {
        WindowMode.WholeStream => long.MaxValue,
        _ => Math.Max(1, (long)Length.TotalMilliseconds / PaneCount),
    };

    /// <summary>Throws with a message naming the setting when the window cannot work.</summary>
    public void Validate()
    {
        if (Mode == WindowMode.WholeStream)
        {
            return;
        }

        if (Length <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The window length must be positive; it is {Length}.");
        }

        if (Panes < 1 || Panes > 10_000)
        {
            throw new ArgumentException($"The window's panes must be between 1 and 10000; it is {Panes}.");
        }

        if (Length.TotalMilliseconds < Panes)
        {
            throw new ArgumentException($"A window of {Length} cannot be cut into {Panes} panes of at least 1 ms.");
        }
    }
}
