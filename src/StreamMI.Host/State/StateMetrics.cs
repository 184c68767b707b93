using System.Diagnostics.Metrics;
using StreamMI.Host.Telemetry;

namespace StreamMI.Host.State;

/// <summary>
/// Instruments of saved window state, on the StreamMI meter: restores by result, records of
/// other replicas by result, saves, and the partitions in this replica's window by owner.
/// </summary>
public sealed class StateMetrics
{
    /// <summary>Creates the instruments over every monitor's state manager.</summary>
    public StateMetrics(IMeterFactory meterFactory, IEnumerable<PartitionStateManager> managers)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(managers);

        var all = managers.ToArray();
        var meter = meterFactory.Create(StreamMIMetrics.MeterName);
        meter.CreateObservableCounter(
            "streammi.state.restores",
            () => Each(all, PartitionStateManager.RestoreResults, "result", (m, i) => m.Restores(i)),
            "{partition}",
            "Partitions taken over on assignment, by result: restored, fresh (no saved state), corrupt or incompatible (started empty).");
        meter.CreateObservableCounter(
            "streammi.state.peer_records",
            () => Each(all, PartitionStateManager.PeerResults, "result", (m, i) => m.PeerRecords(i)),
            "{record}",
            "Saved states of partitions owned by other replicas, by result: merged, corrupt or incompatible (left out).");
        meter.CreateObservableCounter(
            "streammi.state.saves",
            () => Each(all, ["ok", "failed"], "result", (m, i) => i == 0 ? m.Saved : m.SaveFailures),
            "{record}",
            "Partition states saved by this replica, by result.");
        meter.CreateObservableGauge(
            "streammi.state.partitions",
            () => Each(all, ["self", "peer"], "owner", (m, i) => i == 0 ? m.Pipeline.OwnedPartitions : m.Pipeline.PeerPartitions),
            "{partition}",
            "Input partitions in this replica's window: owned and counted here (self), or merged from other replicas' saved state (peer).");
    }

    private static IEnumerable<Measurement<long>> Each(
        PartitionStateManager[] managers,
        IReadOnlyList<string> labels,
        string key,
        Func<PartitionStateManager, int, long> read)
    {
        foreach (var manager in managers)
        {
            for (var i = 0; i < labels.Count; i++)
            {
                yield return new Measurement<long>(
                    read(manager, i),
                    new KeyValuePair<string, object?>("monitor", manager.Pipeline.Name),
                    new KeyValuePair<string, object?>(key, labels[i]));
            }
        }
    }
}
