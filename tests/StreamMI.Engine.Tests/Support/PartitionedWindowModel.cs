namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// What a window over several input partitions should hold, kept as the list of accepted events:
/// an event is dropped when its pane is K or more panes behind the newest pane of its own
/// partition, and the window holds the accepted events of every partition whose pane is among
/// the last K panes before the newest pane of all; a lagged reference holds those of the K panes
/// that end L panes before it.
/// </summary>
internal sealed class PartitionedWindowModel(int panes, long paneMs, int lag = 0)
{
    private readonly List<(int Partition, int[] Levels, int Target, long Pane)> _accepted = [];
    private readonly Dictionary<int, long> _newest = [];
    private long? _window;

    /// <summary>Events dropped, or kept outside the window tables, because they were too old.</summary>
    public long Late { get; private set; }

    /// <summary>Records one event; true when it joins the window tables.</summary>
    public bool Apply(int partition, int[] levels, int target, long timeMs)
    {
        var pane = (long)Math.Floor(timeMs / (double)paneMs);
        if (_newest.TryGetValue(partition, out var newest) && pane <= newest - panes)
        {
            Late++;
            return false;
        }

        _newest[partition] = Math.Max(pane, _newest.GetValueOrDefault(partition, long.MinValue));
        _window = Math.Max(pane, _window ?? long.MinValue);
        _accepted.Add((partition, [.. levels], target, pane));
        if (pane <= _window - panes)
        {
            Late++;
            return false;
        }

        return true;
    }

    /// <summary>The events in the window now.</summary>
    public IEnumerable<(int[] Levels, int Target)> InWindow() =>
        _accepted.Where(e => e.Pane > _window - panes).Select(e => (e.Levels, e.Target));

    /// <summary>The events in the lagged reference now.</summary>
    public IEnumerable<(int[] Levels, int Target)> InReference() =>
        _accepted.Where(e => e.Pane <= _window - lag && e.Pane > _window - lag - panes).Select(e => (e.Levels, e.Target));
}
