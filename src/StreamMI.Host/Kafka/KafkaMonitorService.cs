using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;
using StreamMI.Host.State;

namespace StreamMI.Host.Kafka;

/// <summary>
/// The consume loop of one monitor: reads its topic with a consumer group on a dedicated thread,
/// hands messages to the monitor's pipeline, and commits the offsets the pipeline has counted.
/// </summary>
/// <remarks>
/// Offsets are committed on an interval, when partitions are revoked (after waiting a bounded time
/// for their in-flight messages to be counted) and on shutdown after the pipeline has drained.
/// Retriable errors (a broker down, a rebalance) are logged once when they start and once when
/// consumption recovers; a fatal error stops the worker with a non-zero exit code.
/// With saved window state, partitions are restored on assignment and the input sought to the
/// saved offsets; on the state interval, on revocation and on shutdown the owned partitions are
/// saved first and only the saved offsets are committed.
/// </remarks>
public sealed partial class KafkaMonitorService : BackgroundService
{
    private readonly MonitorPipeline _pipeline;
    private readonly StreamMIOptions _options;
    private readonly MonitorOptions _monitor;
    private readonly ILogger<KafkaMonitorService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly PartitionStateManager? _state;
    private readonly Dictionary<int, long> _consumedNext = [];

    // The offsets this member committed to the group, per owned partition; the consume loop's
    // thread only (the rebalance handlers run on it too).
    private readonly Dictionary<int, long> _committed = [];
    private readonly HashSet<int> _owned = [];
    private readonly HashSet<int> _atEnd = [];
    private readonly Lock _gate = new();
    private volatile bool _assigned;
    private volatile bool _errorEpisode;
    private long _lastProgressTicks;
    private IConsumer<byte[]?, byte[]?>? _consumer;

    /// <summary>Creates the service for one monitor.</summary>
    public KafkaMonitorService(
        MonitorPipeline pipeline,
        MonitorOptions monitor,
        StreamMIOptions options,
        ILogger<KafkaMonitorService> logger,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        PartitionStateManager? state = null)
    {
        _pipeline = pipeline;
        _monitor = monitor;
        _options = options;
        _logger = logger;
        _lifetime = lifetime;
        _time = time;
        _state = state;
    }

    /// <summary>The pipeline this service feeds.</summary>
    public MonitorPipeline Pipeline => _pipeline;

    /// <summary>Saved window state of this monitor; null when none is configured.</summary>
    public PartitionStateManager? State => _state;

    /// <summary>
    /// Ready once partitions are assigned, no error episode is under way, and either a poll
    /// returned a message or reached the end of a partition within the last 30 seconds or the
    /// monitor is caught up: every owned partition read to its end and counted. A quiet topic
    /// therefore stays ready; a stalled consume loop or counting stage does not.
    /// </summary>
    public bool IsReady =>
        _assigned && !_errorEpisode
        && (IsMoving() || IsCaughtUp());

    /// <summary>Consumer lag per partition (high watermark minus next offset), as last known.</summary>
    public IReadOnlyDictionary<int, long> Lag()
    {
        var lag = new Dictionary<int, long>();

        // The consumer is read and used under the gate, and the loop clears it under the gate
        // before closing it, so a lag read never touches a closed consumer.
        lock (_gate)
        {
            var consumer = _consumer;
            if (consumer is null)
            {
                return lag;
            }

            foreach (var (partition, next) in _consumedNext)
            {
                var tp = new TopicPartition(_pipeline.Topic, partition);
                try
                {
                    var high = consumer.GetWatermarkOffsets(tp).High;
                    if (high != Offset.Unset)
                    {
                        lag[partition] = Math.Max(0, high.Value - next);
                    }
                }
                catch (KafkaException)
                {
                    // By design: a lag read during a rebalance may fail; it is retried next scrape.
                }
            }
        }

        return lag;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Consume blocks, so the loop gets a thread of its own instead of a pool thread.
        return Task.Factory.StartNew(
            () => RunAsync(stoppingToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        _pipeline.Start();
        if (!TryStartState())
        {
            await _pipeline.CompleteAsync().ConfigureAwait(false);
            return;
        }

        IConsumer<byte[]?, byte[]?> built;
        try
        {
            built = BuildConsumer();
        }
        catch (Exception ex)
            when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            // By design: a Kafka:Client setting librdkafka refuses stops the worker with an
            // error, instead of leaving a live process that never consumes.
            LogLoopFailed(_logger, ex, _pipeline.Name);
            Environment.ExitCode = 3;
            _lifetime.StopApplication();
            await _pipeline.CompleteAsync().ConfigureAwait(false);
            _state?.Dispose();
            return;
        }

        using var consumer = built;
        lock (_gate)
        {
            _consumer = consumer;
        }

        consumer.Subscribe(_pipeline.Topic);
        LogSubscribed(_logger, _pipeline.Name, _pipeline.Topic, GroupId);

        var nextCommit = _time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = Poll(consumer);
                if (result is not null)
                {
                    OnProgress();
                    lock (_gate)
                    {
                        if (result.IsPartitionEOF)
                        {
                            _atEnd.Add(result.Partition.Value);
                        }
                        else
                        {
                            _atEnd.Remove(result.Partition.Value);
                        }
                    }

                    if (!result.IsPartitionEOF)
                    {
                        var message = new InboundMessage(
                            result.Partition.Value,
                            result.Offset.Value,
                            result.Message.Timestamp.UnixTimestampMs,
                            result.Message.Value,
                            _time.GetTimestamp());
                        lock (_gate)
                        {
                            _consumedNext[message.Partition] = message.Offset + 1;
                        }

                        _pipeline.Enqueue(message, stoppingToken);
                    }
                }

                if (_time.GetElapsedTime(nextCommit) >= (_state?.Interval ?? _options.Kafka.CommitInterval))
                {
                    Commit(consumer, partitions: null);
                    nextCommit = _time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown asked for: fall through to drain and commit.
        }
        catch (ConsumeException ex) when (ex.Error.IsFatal)
        {
            LogFatal(_logger, ex, _pipeline.Name, ex.Error.Reason);
            Environment.ExitCode = 3;
            _lifetime.StopApplication();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // By design: whatever else ends the loop stops the worker with an error, so that
            // the process does not live on consuming nothing while its liveness probe passes.
            LogLoopFailed(_logger, ex, _pipeline.Name);
            Environment.ExitCode = 3;
            _lifetime.StopApplication();
        }

        await _pipeline.CompleteAsync().ConfigureAwait(false);
        Commit(consumer, partitions: null);
        lock (_gate)
        {
            _consumer = null;
        }

        consumer.Close();
        _state?.Dispose();
        LogStopped(_logger, _pipeline.Name, _pipeline.Consumed);
    }

    // A non-fatal consume error (a subscribed topic deleted, a partition without a leader)
    // arrives as an exception from Consume. The client recovers from it by itself, so it
    // starts an error episode, which readiness shows, and the loop goes on.
    private ConsumeResult<byte[]?, byte[]?>? Poll(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            return consumer.Consume(TimeSpan.FromMilliseconds(250));
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            OnError(ex.Error);
            return null;
        }
    }

    private bool IsMoving() =>
        _time.GetElapsedTime(Interlocked.Read(ref _lastProgressTicks)) < TimeSpan.FromSeconds(30);

    private bool IsCaughtUp()
    {
        HashSet<int> owned;
        lock (_gate)
        {
            if (!_owned.IsSubsetOf(_atEnd))
            {
                return false;
            }

            owned = [.. _owned];
        }

        return AllCounted(owned);
    }

    private string GroupId => string.IsNullOrWhiteSpace(_monitor.GroupId) ? $"streammi-{_pipeline.Name}" : _monitor.GroupId;

    private IConsumer<byte[]?, byte[]?> BuildConsumer()
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(_options.Kafka.Client))
        {
            BootstrapServers = _options.Kafka.BootstrapServers,
            GroupId = GroupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
            ClientId = $"streammi-{_pipeline.Name}",
        };

        // Cooperative rebalancing moves only the partitions that change owner, and their owner
        // commits them in its revoke callback, usually while the group is stable. With eager
        // rebalancing every member stops and revokes everything while the group is joining,
        // when a broker may refuse commits (the librdkafka mock cluster does), and what was
        // counted since the last commit is counted again by the next owner.
        if (!_options.Kafka.Client.ContainsKey("partition.assignment.strategy"))
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }

        // Known shortcoming: no log handler is set, so librdkafka writes its own log lines
        // (and its debug output when Kafka:Client:debug is set) straight to stderr, outside
        // the worker's logger and its levels. It redacts passwords and keys in them.
        var builder = new ConsumerBuilder<byte[]?, byte[]?>(config).SetErrorHandler((_, error) => OnError(error));
        if (_state is null)
        {
            builder.SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions));
        }
        else
        {
            builder.SetPartitionsAssignedHandler((_, partitions) =>
            {
                OnAssigned(partitions);
                var offsets = _state.Restore([.. partitions.Select(p => p.Partition.Value)]);
                return partitions.Select(p => new TopicPartitionOffset(
                    p,
                    offsets[p.Partition.Value] is { } next ? new Offset(next) : Offset.Unset));
            });
        }

        return builder
            .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, partitions))
            .SetPartitionsLostHandler((_, partitions) =>
            {
                LogLost(_logger, _pipeline.Name, string.Join(",", partitions.Select(p => p.Partition.Value)));
                _state?.Release([.. partitions.Select(p => p.Partition.Value)]);
                Forget(partitions.Select(p => p.Partition.Value));
            })
            .Build();
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        lock (_gate)
        {
            _owned.UnionWith(partitions.Select(p => p.Partition.Value));
        }

        _assigned = true;
        OnProgress();
        LogAssigned(_logger, _pipeline.Name, string.Join(",", partitions.Select(p => p.Partition.Value)));
    }

    private bool TryStartState()
    {
        try
        {
            _state?.Start();
            return true;
        }
        catch (Exception ex) when (ex is KafkaException or InvalidOperationException or IOException
            or UnauthorizedAccessException)
        {
            LogStateUnavailable(_logger, ex, _pipeline.Name, _state!.StoreDescription);
            Environment.ExitCode = 3;
            _lifetime.StopApplication();
            return false;
        }
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => p.Partition.Value).ToHashSet();

        // Give the pipeline a bounded time to count what it already holds for these partitions,
        // so the next owner starts after them instead of counting them again.
        var deadline = _time.GetTimestamp();
        while (!AllCounted(revoked) && _time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(10);
        }

        Commit(consumer, revoked);
        _state?.Release(revoked);
        Forget(revoked);

        // A cooperative rebalance revokes only the partitions that move; the rest stay owned.
        lock (_gate)
        {
            _assigned = _owned.Count > 0;
        }

        LogRevoked(_logger, _pipeline.Name, string.Join(",", revoked));
    }

    private bool AllCounted(IReadOnlySet<int> partitions)
    {
        var counted = _pipeline.CountedOffsets();
        lock (_gate)
        {
            return partitions.All(p =>
                !_consumedNext.TryGetValue(p, out var consumed)
                || (counted.TryGetValue(p, out var done) && done >= consumed));
        }
    }

    private void Forget(IEnumerable<int> partitions)
    {
        lock (_gate)
        {
            foreach (var p in partitions)
            {
                _owned.Remove(p);
                _atEnd.Remove(p);
                _consumedNext.Remove(p);
                _committed.Remove(p);
                _pipeline.ForgetPartition(p);
            }
        }
    }

    // With saved state, the offsets committed are those of the newest saved records, so the group
    // never points past a state that exists; without, they are the counted offsets. Offsets the
    // group already holds from this member are left out; one whose commit failed is not, so it
    // is retried at the next interval.
    private void Commit(IConsumer<byte[]?, byte[]?> consumer, HashSet<int>? partitions)
    {
        IEnumerable<KeyValuePair<int, long>> counted = _state is null
            ? _pipeline.CountedOffsets().Where(kv => partitions is null || partitions.Contains(kv.Key))
            : _state.Checkpoint(partitions) ?? new Dictionary<int, long>();
        var offsets = counted
            .Where(kv => !_committed.TryGetValue(kv.Key, out var done) || done != kv.Value)
            .Select(kv => new TopicPartitionOffset(_pipeline.Topic, kv.Key, kv.Value))
            .ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                _committed[offset.Partition.Value] = offset.Offset.Value;
            }
        }
        catch (KafkaException ex)
        {
            // By design: a failed commit is retried at the next interval; counting goes on and
            // at worst some events are counted again after a restart (at-least-once).
            LogCommitFailed(_logger, _pipeline.Name, ex.Error.Reason);
        }
    }

    private void OnProgress()
    {
        Interlocked.Exchange(ref _lastProgressTicks, _time.GetTimestamp());
        if (_errorEpisode)
        {
            _errorEpisode = false;
            LogRecovered(_logger, _pipeline.Name);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            LogFatal(_logger, null, _pipeline.Name, error.Reason);
            Environment.ExitCode = 3;
            _lifetime.StopApplication();
            return;
        }

        if (!_errorEpisode)
        {
            _errorEpisode = true;
            LogErrorEpisode(_logger, _pipeline.Name, error.Code.ToString(), error.Reason);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Monitor {Monitor} subscribed to topic {Topic} as consumer group {GroupId}")]
    private static partial void LogSubscribed(ILogger logger, string monitor, string topic, string groupId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Monitor {Monitor} was assigned partitions {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string monitor, string partitions);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Monitor {Monitor} had partitions {Partitions} revoked; their counted offsets were committed")]
    private static partial void LogRevoked(ILogger logger, string monitor, string partitions);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} lost partitions {Partitions} without a clean revoke; events since the last commit may be counted again by their new owner")]
    private static partial void LogLost(ILogger logger, string monitor, string partitions);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} hit a Kafka error ({Code}: {Reason}); the client retries and the worker keeps running. Logged once until consumption recovers")]
    private static partial void LogErrorEpisode(ILogger logger, string monitor, string code, string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "Monitor {Monitor} is consuming again after a Kafka error")]
    private static partial void LogRecovered(ILogger logger, string monitor);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Critical,
        Message = "Monitor {Monitor} hit a fatal Kafka error ({Reason}); the worker stops")]
    private static partial void LogFatal(ILogger logger, Exception? exception, string monitor, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "Monitor {Monitor} could not commit offsets ({Reason}); it retries at the next interval")]
    private static partial void LogCommitFailed(ILogger logger, string monitor, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Critical,
        Message = "Monitor {Monitor} cannot open its window state store, {Store}; the worker stops")]
    private static partial void LogStateUnavailable(ILogger logger, Exception exception, string monitor, string store);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information,
        Message = "Monitor {Monitor} stopped after consuming {Consumed} messages; counted offsets were committed")]
    private static partial void LogStopped(ILogger logger, string monitor, long consumed);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Critical,
        Message = "Monitor {Monitor} stopped consuming after an unexpected error; "
            + "the worker stops")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string monitor);
}
