using Microsoft.Extensions.Logging;

namespace StreamMI.Host.State;

/// <content>Log lines of the state topic, event ids 3101 to 3109.</content>
public sealed partial class KafkaStateStore
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Monitor {Monitor} keeps its window state in topic {StateTopic} ({Partitions} partition(s)) and reads every replica's records from it")]
    private static partial void LogStarted(ILogger logger, string monitor, string stateTopic, int partitions);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Created state topic {StateTopic} with cleanup.policy=compact")]
    private static partial void LogCreated(ILogger logger, string stateTopic);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
        Message = "State topic {StateTopic} is missing and could not be created ({Reason})")]
    private static partial void LogCreateFailed(ILogger logger, string stateTopic, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "State topic {StateTopic} has cleanup.policy={Policy}; without compaction it keeps every old state record until retention deletes them, and retention may delete the newest ones too")]
    private static partial void LogNotCompacted(ILogger logger, string stateTopic, string policy);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} did not read state topic {StateTopic} to its end within {Seconds} s; partitions are restored from the newest records read so far")]
    private static partial void LogCatchUpSlow(ILogger logger, string monitor, string stateTopic, double seconds);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} cannot read state topic {StateTopic} ({Reason}); the reader retries. Logged once until reading works again")]
    private static partial void LogReadFailed(ILogger logger, string monitor, string stateTopic, string reason);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error,
        Message = "Monitor {Monitor} could not take the state record of partition {Partition}; the reader goes on")]
    private static partial void LogDeliverFailed(ILogger logger, Exception exception, string monitor, int partition);
}
