namespace StreamMI.Host.State;

/// <summary>
/// Where one monitor keeps the saved state of each input partition: the newest record per
/// partition, written whole or not at all.
/// </summary>
/// <remarks>
/// Calls come from two threads: the consume loop calls <see cref="Load"/> and
/// <see cref="Save"/>; a store that sees records written by other replicas passes them to the
/// callback given to <see cref="Start"/> on a thread of its own.
/// </remarks>
public interface IPartitionStateStore : IDisposable
{
    /// <summary>Where the records are kept, for log lines.</summary>
    string Description { get; }

    /// <summary>
    /// Opens the store. A store shared by several replicas then passes every record it reads,
    /// whoever wrote it, to <paramref name="onRecord"/> with its input partition.
    /// </summary>
    void Start(Action<int, byte[]> onRecord);

    /// <summary>
    /// Makes sure <see cref="Load"/> sees every record written before this call, such as the last
    /// records of a replica that has just handed partitions over.
    /// </summary>
    void CatchUp();

    /// <summary>
    /// The newest record of an input partition as of the last <see cref="CatchUp"/> or later, or
    /// null when none was ever written.
    /// </summary>
    byte[]? Load(int partition);

    /// <summary>
    /// Writes records durably. Returns false, with the reason in <paramref name="problem"/>, when
    /// any of them could not be written; the ones that were may stay.
    /// </summary>
    bool Save(IReadOnlyList<KeyValuePair<int, byte[]>> records, out string? problem);
}
