namespace StreamMI.Host.Scanning;

/// <summary>A batch of input rows that a <see cref="ParallelCounting{TBatch}"/> worker counts.</summary>
internal interface IScanBatch
{
    /// <summary>Forgets the rows, keeping the storage for the next batch.</summary>
    void Clear();
}
