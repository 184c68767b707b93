using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;

namespace StreamMI.Host.State;

/// <summary>
/// Saved partition states as files in a directory, one per input partition, for a single worker
/// without a state topic.
/// </summary>
/// <remarks>
/// A record is written to a temporary file next to its final name, flushed to the disk, then
/// renamed over the old file in one step, so a reader (or a restart after a crash) finds the
/// old record or the new one, never a part of either. The directory's own entry is not flushed:
/// after a power failure (not a process crash) the rename itself may be lost, and the worker then
/// restores the previous record, which is still a consistent cut of its partition. Only one
/// worker may use a directory; two writing the same monitor there overwrite each other's records.
/// </remarks>
public sealed class FileStateStore : IPartitionStateStore
{
    private readonly string _directory;
    private readonly string _monitor;
    private readonly string _topic;

    /// <summary>Creates the store of one monitor's partitions of <paramref name="topic"/>.</summary>
    public FileStateStore(string directory, string monitor, string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);

        _directory = Path.GetFullPath(directory);
        _monitor = monitor;
        _topic = topic;
    }

    /// <inheritdoc />
    public string Description => $"directory '{_directory}'";

    /// <inheritdoc />
    public void Start(Action<int, byte[]> onRecord) => Directory.CreateDirectory(_directory);

    /// <summary>The file holding one partition's record.</summary>
    public string PathOf(int partition)
    {
        var key = StateRecord.Key(_monitor, _topic, partition);
        var hash = StableHash.Hash(Encoding.UTF8.GetBytes(key), seed: 0) & 0xFFFF_FFFF;

        // Readable names, with a hash of the exact key so that two names that differ only in
        // characters replaced here still get files of their own.
        return Path.Combine(
            _directory,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{Safe(_monitor)}~{Safe(_topic)}~{partition}~{hash:x8}.state"));
    }

    /// <inheritdoc />
    public void CatchUp()
    {
    }

    /// <inheritdoc />
    public byte[]? Load(int partition)
    {
        var path = PathOf(partition);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <inheritdoc />
    public bool Save(IReadOnlyList<KeyValuePair<int, byte[]>> records, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(records);

        problem = null;
        try
        {
            Directory.CreateDirectory(_directory);
            foreach (var (partition, bytes) in records)
            {
                var path = PathOf(partition);
                var temporary = path + ".tmp";
                var options = new FileStreamOptions
                {
                    Mode = FileMode.Create,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    Options = FileOptions.WriteThrough,
                };
                using (var file = new FileStream(temporary, options))
                {
                    file.Write(bytes);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, path, overwrite: true);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string Safe(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return builder.ToString();
    }
}
