using StreamMI.Engine.Monitoring;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Telemetry;

/// <summary>
/// Snapshots of every monitor, computed at most once per refresh interval and shared by metric
/// collection and the HTTP snapshot endpoint, so a scrape never recomputes estimates per
/// instrument.
/// </summary>
public sealed class SnapshotCache
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;
    private readonly Lock _gate = new();
    private IReadOnlyList<(string Monitor, MonitorSnapshot Snapshot)> _snapshots = [];
    private long _takenAt;
    private bool _taken;

    /// <summary>Creates the cache over the worker's monitors.</summary>
    public SnapshotCache(IEnumerable<KafkaMonitorService> services, TimeProvider time, TimeSpan? refresh = null)
    {
        Services = [.. services];
        _time = time;
        _refresh = refresh ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>The monitors' consume services.</summary>
    public IReadOnlyList<KafkaMonitorService> Services { get; }

    /// <summary>Every monitor's snapshot, at most one refresh interval old.</summary>
    public IReadOnlyList<(string Monitor, MonitorSnapshot Snapshot)> Current()
    {
        lock (_gate)
        {
            if (!_taken || _time.GetElapsedTime(_takenAt) >= _refresh)
            {
                _snapshots = [.. Services
                    .Select(s => (s.Pipeline.Name, Snapshot: s.Pipeline.Snapshot()))
                    .Where(s => s.Snapshot is not null)
                    .Select(s => (s.Name, s.Snapshot!))];
                _takenAt = _time.GetTimestamp();
                _taken = true;
            }

            return _snapshots;
        }
    }

    /// <summary>The features with the highest MI of each monitor, at most <paramref name="perMonitor"/> each.</summary>
    public IEnumerable<(string Monitor, FeatureReport Report)> TopFeatures(int perMonitor) =>
        Current().SelectMany(s => s.Snapshot.Features.Take(perMonitor).Select(f => (s.Monitor, f)));
}
