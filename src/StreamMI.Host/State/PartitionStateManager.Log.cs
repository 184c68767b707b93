using Microsoft.Extensions.Logging;

namespace StreamMI.Host.State;

/// <content>Log lines of saving and restoring window state, event ids 3001 to 3009.</content>
public sealed partial class PartitionStateManager
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Monitor {Monitor} restored partition {Partition} from {Store}: {Events} events in its panes, reading on from offset {Offset} (saved {Age} ago)")]
    private static partial void LogRestored(ILogger logger, string monitor, int partition, string store, long events, long offset, TimeSpan age);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Monitor {Monitor} found no saved state of partition {Partition} in {Store}; the partition starts empty from the group's committed offset")]
    private static partial void LogFresh(ILogger logger, string monitor, int partition, string store);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Monitor {Monitor}: the saved state of partition {Partition} in {Store} is corrupt ({Reason}); the partition starts empty from the group's committed offset, and its next save replaces the damaged record")]
    private static partial void LogCorrupt(ILogger logger, string monitor, int partition, string store, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Monitor {Monitor}: the saved state of partition {Partition} in {Store} is incompatible with this monitor ({Reason}); the partition starts empty from the group's committed offset, and its next save replaces the old record")]
    private static partial void LogIncompatible(ILogger logger, string monitor, int partition, string store, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} could not save the state of {Count} partition(s) to {Store} ({Reason}); their offsets stay uncommitted and saving is tried again at the next interval")]
    private static partial void LogSaveFailed(ILogger logger, string monitor, int count, string store, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} cannot merge the state of partition {Partition} saved by another replica ({Rejection}: {Reason}); it keeps what it had of that partition until a record that fits arrives")]
    private static partial void LogPeerRejected(ILogger logger, string monitor, int partition, string rejection, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error,
        Message = "Monitor {Monitor} could not read the saved state of partition {Partition} from {Store}; the partition starts empty from the group's committed offset")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string monitor, int partition, string store);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error,
        Message = "Monitor {Monitor} could not bring its view of {Store} up to date; partitions are restored from the records read so far")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string monitor, string store);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug,
        Message = "Monitor {Monitor} saved partition states {Offsets} (partition@next offset) to {Store}")]
    private static partial void LogSaved(ILogger logger, string monitor, string offsets, string store);
}
