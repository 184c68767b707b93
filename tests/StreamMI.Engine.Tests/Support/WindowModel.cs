namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// What a sliding window of K panes should hold, kept as the list of accepted events with their
/// pane numbers: an event is late when its pane is K or more panes behind the newest pane seen,
/// and the window holds the accepted events of the last K panes.
/// </summary>
internal sealed class WindowModel(int panes, long paneMs)
{
    private readonly List<(int[] Levels, int Target, long Pane)> _accepted = [];
    private long? _newest;

    /// <summary>Events refused because their pane had left the window.</summary>
    public long Late { get; private set; }

    /// <summary>The newest pane seen, or null before the first event.</summary>
    public long? NewestPane => _newest;

    /// <summary>Records one event; false when it is late.</summary>
    public bool Apply(int[] levels, int target, long timeMs)
    {
        var pane = (long)Math.Floor(timeMs / (double)paneMs);
        if (_newest is { } newest && pane <= newest - panes)
        {
            Late++;
            return false;
        }

        _newest = _newest is { } n ? Math.Max(n, pane) : pane;
        _accepted.Add(([.. levels], target, pane));
        return true;
    }

    /// <summary>The events in the window now.</summary>
    public IEnumerable<(int[] Levels, int Target)> InWindow() =>
        _accepted.Where(e => e.Pane > _newest - panes).Select(e => (e.Levels, e.Target));
}
