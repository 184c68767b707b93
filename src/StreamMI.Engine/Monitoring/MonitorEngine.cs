using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Estimation;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <summary>
/// One monitor's counting: it turns decoded events into levels, learns numeric bin edges during
/// a warm-up, counts into windowed contingency tables and reports estimates. Both
/// <c>streammi scan</c> and the streaming worker count through this type, so a file and a stream
/// with the same events give the same numbers.
/// </summary>
/// <remarks>
/// <para>
/// Threads: <see cref="CreateRecord"/> and the setters of <see cref="EventRecord"/> may run on
/// any number of decoding threads, each with its own record. <see cref="Apply"/> and
/// <see cref="CompleteWarmUp"/> belong to one counting thread at a time, unless the engine was
/// created with <c>concurrentApply</c> over a whole-stream window: then any number of threads may
/// apply their own records at once. <see cref="CountSkipped"/> and <see cref="Snapshot"/> may run
/// on any thread at any time and never block counting.
/// </para>
/// <para>
/// With concurrent appliers, which events learn the numeric bin edges depends on how the threads
/// interleave. A caller that wants the edges of a single-threaded run applies the first events on
/// one thread until <see cref="IsWarmingUp"/> turns false, and only then spreads the rest.
/// </para>
/// </remarks>
public sealed class MonitorEngine
{
    private readonly FieldEncoder[] _fields;
    private readonly int[] _numericFields;
    private readonly NumericBinner?[] _binners;
    private readonly long[] _skipped = new long[SkipReasons.All.Count];
    private readonly Lock _warmUpGate = new();
    private readonly bool _concurrentApply;
    private List<BufferedEvent>? _warmUp;
    private long _counted;

    /// <summary>
    /// Creates a monitor; throws with a message naming the setting if the schema is invalid.
    /// <paramref name="concurrentApply"/> lets several threads call <see cref="Apply"/> at once,
    /// and needs a whole-stream window.
    /// </summary>
    public MonitorEngine(MonitorSchema schema, bool concurrentApply = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        schema.Validate();

        Schema = schema;
        _concurrentApply = concurrentApply;
        _fields = [.. schema.Features.Append(schema.Target).Select(f => new FieldEncoder(f, schema.HashSeed))];
        _binners = [.. _fields.Select(f => f.Binner)];
        _numericFields = [.. Enumerable.Range(0, _fields.Length).Where(i => _fields[i].Binner is { IsFrozen: false })];
        if (_numericFields.Length > 0)
        {
            _warmUp = new List<BufferedEvent>(Math.Min(schema.WarmUpEvents, 65_536));
        }

        Tables = new WindowedTables(
            schema.Window,
            [.. _fields[..^1].Select(f => f.Capacity)],
            _fields[^1].Capacity,
            schema.Pairs,
            concurrentWriters: concurrentApply);
    }

    /// <summary>The schema this monitor counts by.</summary>
    public MonitorSchema Schema { get; }

    /// <summary>The windowed tables, for live reads.</summary>
    public WindowedTables Tables { get; }

    /// <summary>True while events are held to learn numeric bin edges.</summary>
    public bool IsWarmingUp => Volatile.Read(ref _warmUp) is not null;

    /// <summary>Events counted since start.</summary>
    public long Counted => Volatile.Read(ref _counted);

    /// <summary>Events skipped for one reason since start.</summary>
    public long Skipped(SkipReason reason) => Volatile.Read(ref _skipped[(int)reason]);

    /// <summary>A scratch record for one decoding thread.</summary>
    public EventRecord CreateRecord() => new(_fields);

    /// <summary>The index of a field (features first, then the target), or −1.</summary>
    public int FieldIndex(string name)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            if (string.Equals(_fields[i].Spec.Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Counts a decoded event, or counts why it cannot be counted.</summary>
    public ApplyOutcome Apply(EventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);

        if (record.Problem is null && !record.HasTarget)
        {
            record.Fail(SkipReason.MissingTarget, record.TargetField);
        }

        if (record.Problem is { } problem)
        {
            CountSkipped(problem);
            return ApplyOutcome.Skipped;
        }

        if (Volatile.Read(ref _warmUp) is not null && TryBuffer(record))
        {
            return ApplyOutcome.Buffered;
        }

        return Count(record.LevelsBuffer, record.Numbers, record.EventTimeMs, record.FeatureLevels);
    }

    /// <summary>Counts an event that the decoder could not read, by reason.</summary>
    public void CountSkipped(SkipReason reason) => Interlocked.Increment(ref _skipped[(int)reason]);

    /// <summary>
    /// Learns numeric bin edges from the events held so far, freezes them and counts the held
    /// events. Called by itself when the warm-up is full; call it at the end of a finite input.
    /// </summary>
    public void CompleteWarmUp()
    {
        lock (_warmUpGate)
        {
            var warmUp = _warmUp;
            if (warmUp is null)
            {
                return;
            }

            var sample = new double[warmUp.Count];
            foreach (var field in _numericFields)
            {
                for (var i = 0; i < warmUp.Count; i++)
                {
                    sample[i] = warmUp[i].Numbers[field];
                }

                _fields[field].Binner!.Freeze(sample);
            }

            // The edges are written before this store, so a thread that reads no warm-up here
            // bins with the frozen edges.
            Volatile.Write(ref _warmUp, null);
            var scratch = new int[Schema.Features.Count];
            foreach (var held in warmUp)
            {
                Count(held.Levels, held.Numbers, held.EventTimeMs, scratch);
            }
        }
    }

    /// <summary>Estimates for every feature over the current window, highest plug-in MI first.</summary>
    public MonitorSnapshot Snapshot()
    {
        var tables = Tables;
        var reports = new List<FeatureReport>(Schema.Features.Count);
        for (var f = 0; f < Schema.Features.Count; f++)
        {
            var table = tables.FeatureTarget[f];
            var estimate = DependencyEstimator.Estimate(table.Snapshot(out _, out _));
            reports.Add(new FeatureReport
            {
                Feature = Schema.Features[f].Name,
                Kind = Schema.Features[f].Kind,
                KindReason = Schema.Features[f].InferredBecause,
                Capped = _fields[f].IsCapped,
                LiveMutualInformationNats = table.MutualInformationNats(),
                Estimate = estimate,
                Edges = _fields[f].Binner is { IsFrozen: true } binner ? binner.Edges : null,
            });
        }

        reports.Sort((a, b) => b.Estimate.MutualInformationNats.CompareTo(a.Estimate.MutualInformationNats));
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in SkipReasons.All)
        {
            skipped[SkipReasons.Name(reason)] = Skipped(reason);
        }

        return new MonitorSnapshot
        {
            Name = Schema.Name,
            Target = Schema.Target.Name,
            WindowStartMs = tables.StartMs,
            WindowEndMs = tables.EndMs,
            WindowEvents = tables.Events,
            WindowFill = tables.Fill,
            Counted = Counted,
            Late = tables.LateEvents,
            Buffered = Volatile.Read(ref _warmUp)?.Count ?? 0,
            Skipped = skipped,
            TargetLevels = tables.Target.NonZeroLevels,
            Features = reports,
        };
    }

    /// <summary>The name of a level of a field, for reports.</summary>
    public string LevelName(int field, int level) => _fields[field].LevelName(level);

    // Holds the event while the bin edges are still being learned; false when the warm-up ended
    // since the caller looked, and the event is to be counted now. The lock is taken only during
    // the warm-up, which is short, so it costs the steady state nothing.
    private bool TryBuffer(EventRecord record)
    {
        lock (_warmUpGate)
        {
            var warmUp = _warmUp;
            if (warmUp is null)
            {
                return false;
            }

            warmUp.Add(new BufferedEvent(record));
            if (warmUp.Count >= Schema.WarmUpEvents)
            {
                CompleteWarmUp();
            }

            return true;
        }
    }

    // The levels of the features go into the caller's scratch array: a record's own when
    // applying, so that concurrent appliers never share one.
    private ApplyOutcome Count(int[] levels, double[] numbers, long eventTimeMs, int[] features)
    {
        for (var f = 0; f < features.Length; f++)
        {
            features[f] = LevelOf(f, levels, numbers);
        }

        var target = LevelOf(_fields.Length - 1, levels, numbers);
        if (target == Levels.Missing)
        {
            CountSkipped(SkipReason.MissingTarget);
            return ApplyOutcome.Skipped;
        }

        if (!Tables.Apply(features, target, eventTimeMs))
        {
            return ApplyOutcome.Late;
        }

        if (_concurrentApply)
        {
            Interlocked.Increment(ref _counted);
        }
        else
        {
            Volatile.Write(ref _counted, _counted + 1);
        }
        return ApplyOutcome.Counted;
    }

    private int LevelOf(int field, int[] levels, double[] numbers) =>
        _binners[field] is { } binner ? binner.Encode(numbers[field]) : levels[field];

    private readonly struct BufferedEvent(EventRecord record)
    {
        public int[] Levels { get; } = [.. record.LevelsBuffer];

        public double[] Numbers { get; } = [.. record.Numbers];

        public long EventTimeMs { get; } = record.EventTimeMs;
    }
}
