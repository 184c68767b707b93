using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StreamMI.Decoding;
using StreamMI.Decoding.Json;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;
using StreamMI.Host.Configuration;
using StreamMI.Host.References;

namespace StreamMI.Host.Pipeline;

/// <summary>
/// Where one monitor's messages go after Kafka: decoding lanes turn message bytes into level
/// numbers, and one counting stage applies them to the monitor's windowed tables.
/// </summary>
/// <remarks>
/// <para>
/// consume loop → lane (partition mod lanes) → decoder → counting channel → MonitorEngine.Apply.
/// Every channel is bounded, so a slow stage makes the one before it wait instead of growing
/// memory; the wait reaches the consume loop, which then stops polling Kafka.
/// </para>
/// <para>
/// A partition always goes through the same lane, so its events reach the counting stage in
/// offset order, and the counted offset of a partition only moves forward while it stays
/// assigned. The consume loop commits those counted offsets: an event is committed only after
/// its counts are applied (at-least-once counting).
/// </para>
/// <para>
/// With partitioned state (a state store is configured), each partition's events are counted
/// into panes of their own, and the counting stage also runs the state operations of
/// <c>MonitorPipeline.State.cs</c> between two events, in channel order.
/// </para>
/// </remarks>
public sealed partial class MonitorPipeline
{
    /// <summary>
    /// Features taken at most from the first event when none are configured. Each feature
    /// costs a table per pane whatever its values, so a first event with a hundred thousand
    /// fields (a megabyte of JSON) would otherwise take tens of gigabytes.
    /// </summary>
    public const int MaxDiscoveredFeatures = 256;

    private readonly MonitorOptions _options;
    private readonly ILogger _logger;
    private readonly IDeadLetterSink? _deadLetters;
    private readonly IPipelineObserver _observer;
    private readonly Channel<InboundMessage>[] _lanes;
    private readonly Channel<CountingItem> _counting;
    private readonly ConcurrentQueue<PipelineEvent> _pool = new();
    private readonly ConcurrentDictionary<int, long> _countedNext = new();
    private readonly long[] _earlySkips = new long[SkipReasons.All.Count];
    private readonly Lock _schemaGate = new();
    private readonly bool _partitioned;
    private readonly ReferenceSpec? _reference;
    private readonly TimeProvider _time;
    private readonly long _futureToleranceMs;
    private volatile MonitorState? _state;
    private Task _completion = Task.CompletedTask;
    private long _consumed;

    // Set by the counting stage the first time the window is full, so that it says so once.
    private bool _windowFullLogged;

    /// <summary>
    /// Creates a pipeline; <see cref="Start"/> runs it. With <paramref name="partitionedState"/>
    /// the window keeps each input partition's panes apart so they can be saved and restored, and
    /// only partitions handed over by the state operations are counted.
    /// </summary>
    public MonitorPipeline(
        MonitorOptions options,
        int channelCapacity,
        ILogger logger,
        IPipelineObserver? observer = null,
        IDeadLetterSink? deadLetters = null,
        TimeProvider? time = null,
        bool partitionedState = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        _options = options;
        _time = time ?? TimeProvider.System;

        // A whole-stream window has no panes to push out, so it takes any time.
        var window = WindowSettings.From(options);
        _futureToleranceMs = window.Mode == WindowMode.WholeStream
            ? long.MaxValue
            : (long)window.Length.TotalMilliseconds;
        _logger = logger;
        _observer = observer ?? IPipelineObserver.None;
        _deadLetters = deadLetters;
        _partitioned = partitionedState;

        var bounded = new BoundedChannelOptions(channelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
            SingleReader = true,
        };
        _lanes = [.. Enumerable.Range(0, options.Decoders).Select(_ => Channel.CreateBounded<InboundMessage>(bounded))];
        _counting = Channel.CreateBounded<CountingItem>(new BoundedChannelOptions(channelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = options.Decoders == 1 && !partitionedState,
            SingleReader = true,
        });

        // A reference file names the features, so the schema is known before the first event.
        _reference = ReferenceSetting.Parse(options.Reference, WindowSettings.From(options), $"The reference of monitor '{Name}'");
        if (options.Features.Count > 0 || _reference?.Model is not null)
        {
            _state = CreateState(options.Features, _ => null);
        }
    }

    /// <summary>The monitor's name.</summary>
    public string Name => _options.DisplayName;

    /// <summary>The topic the monitor reads.</summary>
    public string Topic => _options.Topic ?? string.Empty;

    /// <summary>The target field.</summary>
    public string Target => _options.Target ?? string.Empty;

    /// <summary>The engine, once the schema is known (at once when features are configured).</summary>
    public MonitorEngine? Engine => _state?.Engine;

    /// <summary>Messages handed to the pipeline.</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    /// <summary>Completes when every stage has finished after <see cref="CompleteAsync"/>.</summary>
    public Task Completion => _completion;

    /// <summary>Starts the decoding lanes and the counting stage.</summary>
    public void Start()
    {
        var lanes = _lanes.Select(lane => Task.Run(() => RunLaneAsync(lane))).ToArray();
        var counting = Task.Run(RunCountingAsync);
        _completion = Task.WhenAll(lanes).ContinueWith(
            async _ =>
            {
                _counting.Writer.TryComplete();
                await counting.ConfigureAwait(false);
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
    }

    /// <summary>
    /// Hands a message to its lane. Blocks the calling thread while the lane is full: this is how
    /// back-pressure reaches the consume loop.
    /// </summary>
    public void Enqueue(in InboundMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _consumed);
        var writer = _lanes[message.Partition % _lanes.Length].Writer;
        if (!writer.TryWrite(message))
        {
            writer.WriteAsync(message, cancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops accepting messages and waits until everything accepted is counted.</summary>
    public async Task CompleteAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await _completion.ConfigureAwait(false);
    }

    /// <summary>The next offset to commit for each partition: one past the last counted message.</summary>
    public IReadOnlyDictionary<int, long> CountedOffsets() => new Dictionary<int, long>(_countedNext);

    /// <summary>Forgets a partition's counted offset once it is revoked and committed.</summary>
    public void ForgetPartition(int partition) => _countedNext.TryRemove(partition, out _);

    /// <summary>The monitor's snapshot; null until the schema is known.</summary>
    public MonitorSnapshot? Snapshot()
    {
        var snapshot = _state?.Engine.Snapshot();
        if (snapshot is null)
        {
            return null;
        }

        var skipped = new Dictionary<string, long>(snapshot.Skipped, StringComparer.Ordinal);
        foreach (var reason in SkipReasons.All)
        {
            skipped[SkipReasons.Name(reason)] += Volatile.Read(ref _earlySkips[(int)reason]);
        }

        return snapshot with { Skipped = skipped };
    }

    /// <summary>Events skipped for a reason, including those before the schema was known.</summary>
    public long Skipped(SkipReason reason) =>
        (_state?.Engine.Skipped(reason) ?? 0) + Volatile.Read(ref _earlySkips[(int)reason]);

    private async Task RunLaneAsync(Channel<InboundMessage> lane)
    {
        JsonEventDecoder? decoder = null;
        MonitorState? decoderState = null;
        var limits = new JsonDecoderLimits { MaxBytes = _options.MaxMessageBytes };
        await foreach (var message in lane.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var state = _state ?? TryDiscoverState(message, limits);
            if (state is null)
            {
                continue;
            }

            if (!ReferenceEquals(state, decoderState))
            {
                decoder = new JsonEventDecoder(state.Paths, limits);
                decoderState = state;
            }

            var item = Rent(state);
            item.Message = message;
            Decode(message, item, decoder!, state.TimeField);
            RejectFarFuture(item.Record);
            await _counting.Writer.WriteAsync(new CountingItem(item, null)).ConfigureAwait(false);
        }
    }

    private static void Decode(in InboundMessage message, PipelineEvent item, JsonEventDecoder decoder, int timeField)
    {
        var record = item.Record;
        if (message.Value is not { Length: > 0 } value)
        {
            record.Fail(SkipReason.EmptyMessage);
            return;
        }

        var error = decoder.Decode(value, item.Sink);
        if (error != DecodeError.None)
        {
            // A value decoded before the error may already have marked the record (text in a
            // numeric field); what is wrong with the message is the decode error, so that is
            // the reason counted, as streammi scan counts it. Known shortcoming: categorical
            // values decoded before the error already went through their encoders, so a
            // skipped message can still take exact levels; the level cap bounds how many.
            record.Reset();
            record.Fail(RecordSink.ToSkipReason(error));
            return;
        }

        if (timeField < 0)
        {
            record.EventTimeMs = message.TimestampMs;
        }
        else if (!item.Sink.HasTime)
        {
            record.Fail(SkipReason.MissingTimestamp, timeField);
        }
    }

    // One event stamped far ahead (a producer clock gone wrong, microseconds taken for
    // milliseconds) would move a sliding window past every real event and make them all late.
    private void RejectFarFuture(EventRecord record)
    {
        if (record.Problem is null && _futureToleranceMs != long.MaxValue)
        {
            var limit = _time.GetUtcNow().ToUnixTimeMilliseconds() + _futureToleranceMs;
            if (record.EventTimeMs > limit)
            {
                record.Fail(SkipReason.FutureTimestamp);
            }
        }
    }

    private async Task RunCountingAsync()
    {
        await foreach (var entry in _counting.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (entry.Control is { } control)
            {
                control();
                continue;
            }

            var item = entry.Event!;
            var message = item.Message;
            if (_partitioned && !IsCountable(message))
            {
                Return(item);
                continue;
            }

            try
            {
                Count(item, message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // By design: one event must not stop the monitor. Nothing in Apply is expected to
                // throw; if it does, the event is logged and dropped, and counting goes on.
                LogCountFailed(_logger, ex, Name, message.Partition, message.Offset);
            }

            _countedNext[message.Partition] = message.Offset + 1;
            Return(item);
        }
    }

    private void Count(PipelineEvent item, in InboundMessage message)
    {
        var engine = _state!.Engine;
        var record = item.Record;
        var problem = record.Problem;
        var outcome = engine.Apply(record, _partitioned ? message.Partition : 0);
        switch (outcome)
        {
            case ApplyOutcome.Skipped:
                var reason = record.Problem ?? problem ?? SkipReason.MissingTarget;
                _observer.Skipped(reason);
                _deadLetters?.Publish(message, SkipReasons.Name(reason));
                break;
            case ApplyOutcome.Late:
                _observer.Late();
                break;
            case ApplyOutcome.WindowFull:
                // A valid event refused for room alone: counted by reason but not dead-lettered,
                // as a late event is not, since a full window would send on every event it meets.
                _observer.Skipped(SkipReason.WindowFull);
                if (!_windowFullLogged)
                {
                    _windowFullLogged = true;
                    LogWindowFull(_logger, Name, engine.Tables.MaxEvents);
                }

                break;
            default:
                _observer.Counted(record.EventTimeMs, message.ReceivedTicks);
                break;
        }
    }

    private MonitorState? TryDiscoverState(in InboundMessage message, JsonDecoderLimits limits)
    {
        lock (_schemaGate)
        {
            if (_state is { } known)
            {
                return known;
            }

            var paths = new List<string>();
            var error = message.Value is { Length: > 0 } value
                ? JsonEventDecoder.DiscoverFields(value, paths, limits)
                : DecodeError.MalformedJson;
            var reason = message.Value is not { Length: > 0 } ? SkipReason.EmptyMessage
                : error != DecodeError.None ? RecordSink.ToSkipReason(error) : (SkipReason?)null;
            if (reason is { } r)
            {
                Interlocked.Increment(ref _earlySkips[(int)r]);
                _observer.Skipped(r);
                _deadLetters?.Publish(message, SkipReasons.Name(r));
                _countedNext[message.Partition] = message.Offset + 1;
                return null;
            }

            paths.RemoveAll(p => p == _options.EventTimeField);
            var candidates = paths.Count(
                p => p != _options.Target && !_options.Exclude.Contains(p));
            if (candidates > MaxDiscoveredFeatures)
            {
                var kept = 0;
                paths = [.. paths.Where(p => p == _options.Target
                    || (!_options.Exclude.Contains(p) && kept++ < MaxDiscoveredFeatures))];
                LogDiscoveryCapped(_logger, Name, candidates, MaxDiscoveredFeatures);
            }

            var kinds = new TokenKindSink(paths.Count);
            new JsonEventDecoder(paths, limits).Decode(message.Value, kinds);
            var state = CreateState(paths, field => kinds.KindOf(paths.IndexOf(field)));
            LogSchemaDiscovered(_logger, Name, state.Engine.Schema.Features.Count, string.Join(", ", state.Engine.Schema.Features.Select(f => $"{f.Name}:{f.Kind}")));
            _state = state;
            return state;
        }
    }

    private MonitorState CreateState(
        IReadOnlyList<string> available,
        Func<string, (Engine.Discretisation.FeatureKind Kind, string Reason)?> infer)
    {
        var selection = FeatureSelection.From(_options);
        var window = WindowSettings.From(_options);
        var schema = _reference?.Model is { } model
            ? ReferenceSelection.BuildSchema(selection, model, Name, available, infer, window, _options.WarmUpEvents)
            : selection.BuildSchema(Name, available, infer, window, _options.WarmUpEvents);
        schema = schema with { RedundancyTopK = _options.RedundancyTopK };
        var engine = new MonitorEngine(schema, _reference is null ? null : _options.Drift.ToSettings(_reference));

        var paths = schema.Features.Select(f => f.Name).Append(schema.Target.Name).ToList();
        var timeField = -1;
        if (!string.IsNullOrWhiteSpace(_options.EventTimeField))
        {
            timeField = paths.Count;
            paths.Add(_options.EventTimeField);
        }

        return new MonitorState(engine, paths, timeField);
    }

    private PipelineEvent Rent(MonitorState state)
    {
        if (_pool.TryDequeue(out var item))
        {
            item.Sink.Reset();
            return item;
        }

        return new PipelineEvent(state.Engine.CreateRecord(), state.TimeField);
    }

    private void Return(PipelineEvent item)
    {
        item.Message = default;
        _pool.Enqueue(item);
    }

    private sealed record MonitorState(MonitorEngine Engine, IReadOnlyList<string> Paths, int TimeField);

    /// <summary>What the counting stage reads: an event to count, or an action to run between events.</summary>
    private readonly record struct CountingItem(PipelineEvent? Event, Action? Control);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Monitor {Monitor} discovered {Count} features from its first event: {Features}")]
    private static partial void LogSchemaDiscovered(ILogger logger, string monitor, int count, string features);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Monitor {Monitor}'s first event has {Fields} candidate features; only the "
            + "first {Kept} are used. List the features in the configuration to choose them")]
    private static partial void LogDiscoveryCapped(
        ILogger logger,
        string monitor,
        int fields,
        int kept);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Monitor {Monitor}'s window holds its limit of {Limit} events; further events are "
            + "skipped as window_full until old panes leave the window. This is logged once; the "
            + "skipped-events metric with reason window_full counts them")]
    private static partial void LogWindowFull(ILogger logger, string monitor, long limit);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error,
        Message = "Monitor {Monitor} could not count the event at partition {Partition} offset {Offset}; it was dropped")]
    private static partial void LogCountFailed(ILogger logger, Exception exception, string monitor, int partition, long offset);
}
