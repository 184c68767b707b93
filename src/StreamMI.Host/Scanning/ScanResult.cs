using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Scanning;

/// <summary>What a scan found: the rows read and the monitor's snapshot over all of them.</summary>
/// <param name="Rows">Data rows or lines read, counted or not.</param>
/// <param name="Snapshot">Estimates over every counted row.</param>
public sealed record ScanResult(long Rows, MonitorSnapshot Snapshot)
{
    /// <summary>The whole input frozen as a reference, when the scan was asked to capture one.</summary>
    public ReferenceModel? Reference { get; init; }
}
