using StreamMI.Engine.State;

namespace StreamMI.Host.State;

/// <summary>
/// One saved state of one input partition of one monitor: the window's panes for that partition
/// and the input offset up to which they are complete. The two describe the same cut of the
/// partition, so a restore that seeks the input to <see cref="NextOffset"/> counts every later
/// event once and no earlier event again.
/// </summary>
/// <param name="Topic">The input topic.</param>
/// <param name="Partition">The input partition.</param>
/// <param name="NextOffset">The offset of the first event not yet in <paramref name="State"/>.</param>
/// <param name="WrittenAtMs">When it was written, Unix milliseconds (for logs).</param>
/// <param name="State">The partition's panes and discretisation.</param>
public sealed record StateRecord(string Topic, int Partition, long NextOffset, long WrittenAtMs, PartitionState State)
{
    /// <summary>The key of the record in a state topic: monitor, topic and partition.</summary>
    public static string Key(string monitor, string topic, int partition) =>
        FormattableString.Invariant($"{monitor}/{topic}/{partition}");
}
