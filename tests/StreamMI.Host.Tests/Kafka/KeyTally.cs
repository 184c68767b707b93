namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Counts how often each key 0..n-1 arrived and from which partition, for one or more
/// consumers polled on the test thread (so no locking).
/// </summary>
internal sealed class KeyTally
{
    private readonly int[] _counts;

    private readonly int[] _partitions;

    public KeyTally(int keyCount)
    {
        _counts = new int[keyCount];
        _partitions = new int[keyCount];
        Array.Fill(_partitions, -1);
    }

    /// <summary>Messages received, repeats included.</summary>
    public int Total { get; private set; }

    /// <summary>Keys received at least once.</summary>
    public int Distinct { get; private set; }

    /// <summary>Messages whose key was out of range or whose value did not match the key.</summary>
    public int Malformed { get; private set; }

    /// <summary>Messages that arrived from another partition than the key's earlier copy.</summary>
    public int PartitionChanges { get; private set; }

    public int Repeats => Total - Distinct;

    public void Add(int key, int value, int partition)
    {
        if (key < 0 || key >= _counts.Length || value != key)
        {
            Malformed++;
            return;
        }

        if (_counts[key]++ == 0)
        {
            Distinct++;
            _partitions[key] = partition;
        }
        else if (_partitions[key] != partition)
        {
            PartitionChanges++;
        }

        Total++;
    }

    public int CountOf(int key)
    {
        return _counts[key];
    }

    /// <summary>The partition the key first arrived from, or -1.</summary>
    public int PartitionOf(int key)
    {
        return _partitions[key];
    }

    /// <summary>Keys received at least once, ascending.</summary>
    public int[] KeysSeen()
    {
        return Enumerable.Range(0, _counts.Length).Where(k => _counts[k] > 0).ToArray();
    }

    /// <summary>Keys received more than once, ascending.</summary>
    public int[] KeysRepeated()
    {
        return Enumerable.Range(0, _counts.Length).Where(k => _counts[k] > 1).ToArray();
    }
}
