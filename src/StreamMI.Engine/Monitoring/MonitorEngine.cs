using System.Runtime.CompilerServices;
using StreamMI.Engine.Counting;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Estimation;
using StreamMI.Engine.Redundancy;
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
/// any number of decoding threads, each with its own record. <see cref="Apply(EventRecord)"/>,
/// <see cref="CompleteWarmUp"/>, <see cref="EvaluateDrift"/> and the partition state methods
/// belong to one counting thread at a time, unless the engine was created with
/// <c>concurrentApply</c> over a whole-stream window: then any number of threads may apply their
/// own records at once (the partition state methods are then refused, as the tables keep no
/// panes, and <see cref="EvaluateDrift"/> belongs after the last apply). <see cref="CountSkipped"/>
/// and <see cref="Snapshot"/> may run on any thread at any time and never block counting.
/// </para>
/// <para>
/// A whole-stream engine without partition state can also count on several threads without
/// sharing a counter: after the warm-up, each thread counts into its own
/// <see cref="CountingShard"/> (<see cref="CreateShard"/>), and the counting thread adds each
/// shard to the engine's tables once that thread is done (<see cref="Merge"/>). This is what the
/// parallel file scan does; it needs no <c>concurrentApply</c>, which stays for callers that want
/// one set of tables fed by several threads at once.
/// </para>
/// <para>
/// With concurrent appliers, which events learn the numeric bin edges (and choose the redundancy
/// pairs) depends on how the threads interleave. A caller that wants the edges of a
/// single-threaded run applies the first events on one thread until <see cref="IsWarmingUp"/>
/// turns false, and only then spreads the rest.
/// </para>
/// <para>
/// Drift: with <see cref="DriftSettings"/>, the monitor compares its window with a reference at
/// every pane boundary, on the counting thread, just before the window moves on; the snapshot
/// shows the last evaluation. A first-window reference is captured at the first boundary at which
/// the window is full. A whole-stream window has no panes: call <see cref="EvaluateDrift"/>.
/// </para>
/// </remarks>
public sealed partial class MonitorEngine : IEventCounter
{
    private readonly FieldEncoder[] _fields;
    private readonly int[] _numericFields;
    private readonly NumericBinner?[] _binners;
    private readonly long[] _skipped = new long[SkipReasons.All.Count];
    private readonly DriftDetector? _detector;
    private readonly Lock _warmUpGate = new();
    private readonly bool _concurrentApply;
    private List<BufferedEvent>? _warmUp;
    private bool _pairsPending;
    private long _counted;
    private ReferenceModel? _reference;
    private WindowSummary? _frozenSummary;
    private MonitorDrift? _drift;

    /// <summary>Creates a monitor; throws with a message naming the setting if the schema is invalid.</summary>
    public MonitorEngine(MonitorSchema schema)
        : this(schema, drift: null)
    {
    }

    /// <summary>
    /// Creates a monitor that also compares its window with a reference, when
    /// <paramref name="drift"/> is given. A frozen reference fixes the discretisation: the schema
    /// is aligned to it (<see cref="ReferenceModel.Align"/>), and a schema that does not match it
    /// is refused with every mismatch in the message. <paramref name="concurrentApply"/> lets
    /// several threads call <see cref="Apply(EventRecord)"/> at once, and needs a whole-stream
    /// window. <paramref name="partitionState"/> false, for a whole-stream window only, counts
    /// without the per-partition panes that saving and restoring state need (concurrent apply
    /// never keeps them): a file scan saves no state and counts faster without them.
    /// </summary>
    public MonitorEngine(
        MonitorSchema schema,
        DriftSettings? drift,
        bool concurrentApply = false,
        bool partitionState = true)
        : this(schema, drift, concurrentApply, partitionState, EntropyTerms.MaxWindowEvents)
    {
    }

    /// <summary>
    /// Creates a monitor whose window holds at most <paramref name="maxWindowEvents"/> events, for
    /// tests that fill a window without counting 10^8 events.
    /// </summary>
    internal MonitorEngine(
        MonitorSchema schema,
        DriftSettings? drift,
        bool concurrentApply,
        bool partitionState,
        long maxWindowEvents)
    {
        ArgumentNullException.ThrowIfNull(schema);
        schema.Validate();
        drift?.Validate();

        var reference = drift?.Reference;
        if (reference?.Model is { } model)
        {
            schema = model.Align(schema);
        }

        if (reference?.Kind == ReferenceKind.FirstWindow && schema.Window.Mode == WindowMode.WholeStream)
        {
            throw new ArgumentException(
                $"Monitor '{schema.Name}': a whole-stream window never "
                + $"fills, so it has no first window to use as the reference.");
        }

        if (reference?.Kind == ReferenceKind.Lagged && schema.Window.Mode == WindowMode.WholeStream)
        {
            throw new ArgumentException(
                $"Monitor '{schema.Name}': a whole-stream "
                + $"window has no panes for a lagged reference.");
        }

        Schema = schema;
        _concurrentApply = concurrentApply;
        _fields = [.. schema.Features.Append(schema.Target).Select(f => new FieldEncoder(f, schema.HashSeed))];
        _binners = [.. _fields.Select(f => f.Binner)];
        _numericFields = [.. Enumerable.Range(0, _fields.Length).Where(i => _fields[i].Binner is { IsFrozen: false })];

        var pairs = schema.Pairs;
        if (pairs.Count == 0 && schema.RedundancyTopK > 0)
        {
            if (reference?.Model is { } frozen)
            {
                // The reference says which features matter: pair them from the start.
                var summary = WindowSummary.Of(frozen, [.. schema.Features.Select(f => f.Name)]);
                var relevance = summary.Moments.Select(m => m.CorrectedNats).ToArray();
                pairs = PairSelection.AllPairs(PairSelection.TopK(relevance, schema.RedundancyTopK));
            }
            else
            {
                // Known shortcoming: the pairs are chosen from this process's own warm-up events.
                // Replicas sharing saved state each warm up on their own partitions, so replicas
                // that finish their warm-ups before reading a peer's record (all of them, when
                // they start together) can choose different pairs. A replica then refuses every
                // partition saved with other pairs: its window leaves out those peers'
                // partitions (peer records counted as incompatible), and a partition that moves
                // to it starts empty from the group's committed offset instead of from its saved
                // panes. Only a replica still warming up takes the pairs of the first record it
                // reads. A reference file fixes the pairs in every replica alike.
                _pairsPending = true;
            }
        }

        if (_numericFields.Length > 0 || _pairsPending)
        {
            _warmUp = new List<BufferedEvent>(Math.Min(schema.WarmUpEvents, 65_536));
        }

        Tables = new WindowedTables(
            schema.Window,
            [.. _fields[..^1].Select(f => f.Capacity)],
            _fields[^1].Capacity,
            pairs,
            WindowedTables.DefaultPairLevelCap,
            referenceLagPanes: reference?.Kind == ReferenceKind.Lagged ? reference.LagPanes : 0,
            concurrentWriters: concurrentApply,
            partitionPanes: partitionState,
            maxEvents: maxWindowEvents);

        if (drift is not null)
        {
            _detector = new DriftDetector(drift, schema.Features.Count);
            if (reference!.Model is { } given)
            {
                _reference = given;
                _frozenSummary = WindowSummary.Of(given, [.. schema.Features.Select(f => f.Name)]);
            }
        }
    }

    /// <summary>The schema this monitor counts by.</summary>
    public MonitorSchema Schema { get; }

    /// <summary>The windowed tables, for live reads.</summary>
    public WindowedTables Tables { get; }

    /// <summary>
    /// The frozen reference in use: the one given, or the first window once captured; null for a
    /// lagged reference, before the first window fills, and without drift.
    /// </summary>
    public ReferenceModel? Reference => Volatile.Read(ref _reference);

    /// <summary>
    /// The reference and the last drift evaluation (features in schema order); null without drift.
    /// Cheaper than a <see cref="Snapshot"/>, which also estimates every feature.
    /// </summary>
    public MonitorDrift? Drift => _detector is null ? null : Volatile.Read(ref _drift) ?? DriftStatus();

    /// <summary>True while events are held to learn numeric bin edges (or to choose redundancy pairs).</summary>
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
    public ApplyOutcome Apply(EventRecord record) => Apply(record, partition: 0);

    /// <summary>
    /// Counts a decoded event of input partition <paramref name="partition"/>, whose panes are
    /// kept apart from other partitions' so that they can be saved and restored alone.
    /// </summary>
    public ApplyOutcome Apply(EventRecord record, int partition)
    {
        ArgumentNullException.ThrowIfNull(record);

        if (ProblemOf(record) is { } problem)
        {
            CountSkipped(problem);
            return ApplyOutcome.Skipped;
        }

        if (Volatile.Read(ref _warmUp) is not null && TryBuffer(record, partition))
        {
            return ApplyOutcome.Buffered;
        }

        return Count(record.LevelsBuffer, record.Numbers, record.EventTimeMs, partition, record.FeatureLevels);
    }

    /// <summary>Counts an event that the decoder could not read, by reason.</summary>
    public void CountSkipped(SkipReason reason) => Interlocked.Increment(ref _skipped[(int)reason]);

    /// <summary>
    /// Learns numeric bin edges from the events held so far, freezes them, chooses the redundancy
    /// pairs if the monitor picks them from the warm-up, and counts the held events. Called by
    /// itself when the warm-up is full; call it at the end of a finite input.
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

            if (_pairsPending)
            {
                Tables.SelectPairs(PairsFrom(warmUp));
                _pairsPending = false;
            }

            FlushWarmUp(warmUp);
        }
    }

    /// <summary>
    /// Compares the window with the reference now and moves every feature's drift state one step.
    /// The worker's monitors call it at each pane boundary by themselves; a whole-stream window
    /// (a scan) calls it once at the end. Does nothing without a reference ready to compare with.
    /// </summary>
    public void EvaluateDrift()
    {
        if (_detector is null)
        {
            return;
        }

        var tables = Tables;
        WindowSummary? reference = null;
        if (tables.Reference is { } lagged)
        {
            if (tables.ReferenceFill >= 1)
            {
                reference = WindowSummary.Of(lagged.FeatureTarget, lagged.Features, lagged.Target);
            }
        }
        else
        {
            reference = _frozenSummary;
        }

        if (reference is null)
        {
            return;
        }

        var current = WindowSummary.Of(tables.FeatureTarget, tables.Features, tables.Target);
        var evaluation = _detector.Evaluate(current, reference);
        Volatile.Write(ref _drift, DriftStatus() with
        {
            ReferenceEvents = reference.Events,
            Evaluations = _detector.Evaluations,
            EvaluatedWindowEndMs = tables.EndMs,
            EvaluatedWindowEvents = current.Events,
            Last = evaluation,
        });
    }

    /// <summary>
    /// Freezes the current window and the monitor's discretisation (bin edges, level dictionaries,
    /// hash seed) into a reference model, to save as a reference file. Numeric edges must be
    /// learned: call <see cref="CompleteWarmUp"/> first at the end of a finite input.
    /// </summary>
    public ReferenceModel CaptureReference(string? source = null)
    {
        if (IsWarmingUp)
        {
            throw new InvalidOperationException("The bin edges are still being learned; complete the warm-up first.");
        }

        var fields = _fields.Select(Describe).ToList();
        var tables = new List<ReferenceTable>(Schema.Features.Count);
        foreach (var table in Tables.FeatureTarget)
        {
            var cells = new CellCollector([]);
            table.Cells.ForEachNonZero(ref cells);
            tables.Add(new ReferenceTable(cells.Cells));
        }

        return new ReferenceModel(fields[^1], fields[..^1], tables, Schema.HashSeed)
        {
            Source = source,
            StartMs = Tables.StartMs,
            EndMs = Tables.EndMs,
        };
    }

    /// <summary>Estimates for every feature over the current window, highest plug-in MI first.</summary>
    public MonitorSnapshot Snapshot()
    {
        var tables = Tables;
        var drift = Drift;
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
                Drift = drift?.Last?.Features[f],
            });
        }

        var pairTables = tables.PairTables();
        var pairs = PairReports(pairTables, reports);
        RankByMrmr([.. pairTables.Select(p => (p.A, p.B))], pairs.Matrix, reports);

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
            Drift = drift,
            Pairs = pairs.Reports,
        };
    }

    /// <summary>The name of a level of a field, for reports.</summary>
    public string LevelName(int field, int level) => _fields[field].LevelName(level);

    // Holds the event while the bin edges are still being learned; false when the warm-up ended
    // since the caller looked, and the event is to be counted now. The lock is taken only during
    // the warm-up, which is short, so it costs the steady state nothing.
    private bool TryBuffer(EventRecord record, int partition)
    {
        lock (_warmUpGate)
        {
            var warmUp = _warmUp;
            if (warmUp is null)
            {
                return false;
            }

            warmUp.Add(new BufferedEvent(record, partition));
            if (warmUp.Count >= Schema.WarmUpEvents)
            {
                CompleteWarmUp();
            }

            return true;
        }
    }

    // The caller holds the warm-up lock. The edges and pairs are written before the store of
    // null, so a thread that then reads no warm-up bins with the frozen edges and counts into
    // the chosen pairs.
    private void FlushWarmUp(List<BufferedEvent> warmUp)
    {
        Volatile.Write(ref _warmUp, null);
        var scratch = new int[Schema.Features.Count];
        foreach (var held in warmUp)
        {
            Count(held.Levels, held.Numbers, held.EventTimeMs, held.Partition, scratch);
        }
    }

    // The levels of the features go into the caller's scratch array: a record's own when
    // applying, so that concurrent appliers never share one.
    private ApplyOutcome Count(int[] levels, double[] numbers, long eventTimeMs, int partition, int[] features)
    {
        // A pane boundary: judge the window as it stood at the end of the pane, before it moves.
        if (_detector is not null
            && Tables.NewestPaneId is { } newest
            && Tables.PaneOf(eventTimeMs) > newest)
        {
            OnPaneClosed(newest);
        }

        var target = EncodeLevels(levels, numbers, features);
        if (target == Levels.Missing)
        {
            CountSkipped(SkipReason.MissingTarget);
            return ApplyOutcome.Skipped;
        }

        switch (Tables.ApplyEvent(partition, features, target, eventTimeMs))
        {
            case ApplyResult.Late:
                return ApplyOutcome.Late;
            case ApplyResult.WindowFull:
                CountSkipped(SkipReason.WindowFull);
                return ApplyOutcome.WindowFull;
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

    private void OnPaneClosed(long pane)
    {
        if (_detector!.Settings.Reference.Kind != ReferenceKind.FirstWindow || _reference is not null)
        {
            EvaluateDrift();
            return;
        }

        // The first window is complete when the pane closing is the K-th since the first event.
        // Comparing it with itself would say nothing, so the first evaluation waits a pane.
        if (pane - Tables.FirstPaneId!.Value + 1 >= Tables.Window.PaneCount)
        {
            var captured = CaptureReference("first window");
            _frozenSummary = WindowSummary.Of(captured, [.. Schema.Features.Select(f => f.Name)]);
            Volatile.Write(ref _reference, captured);
        }
    }

    private MonitorDrift DriftStatus()
    {
        var settings = _detector!.Settings;
        var tables = Tables;
        var reference = Volatile.Read(ref _reference);
        var lagged = tables.Reference;
        return new MonitorDrift
        {
            Reference = settings.Reference.Kind,
            ReferenceSource = reference?.Source,
            LagPanes = settings.Reference.LagPanes,
            Ready = lagged is not null ? tables.ReferenceFill >= 1 : reference is not null,
            ReferenceEvents = lagged?.Events ?? reference?.Events ?? 0,
            ReferenceStartMs = lagged is not null ? tables.ReferenceStartMs : reference?.StartMs,
            ReferenceEndMs = lagged is not null ? tables.ReferenceEndMs : reference?.EndMs,
            Settings = settings,
            Evaluations = _detector.Evaluations,
        };
    }

    private IReadOnlyList<(int A, int B)> PairsFrom(List<BufferedEvent> held)
    {
        // Relevance over the held events: a table per feature counted here and dropped after.
        var features = Schema.Features.Count;
        var counts = new ContingencyTable[features];
        for (var f = 0; f < features; f++)
        {
            counts[f] = ContingencyTable.CreateWithOwnMargins(
                _fields[f].Capacity,
                _fields[^1].Capacity,
                concurrentWriters: false);
        }

        foreach (var e in held)
        {
            var target = LevelOf(_fields.Length - 1, e.Levels, e.Numbers);
            if (target == Levels.Missing)
            {
                continue;
            }

            for (var f = 0; f < features; f++)
            {
                counts[f].Increment(LevelOf(f, e.Levels, e.Numbers), target);
            }
        }

        var relevance = counts.Select(CorrectedNats).ToArray();
        return PairSelection.AllPairs(PairSelection.TopK(relevance, Schema.RedundancyTopK));
    }

    /// <summary>Miller–Madow corrected MI from a table's running sums, O(1).</summary>
    private static double CorrectedNats(ContingencyTable table)
    {
        var n = table.Total;
        if (n == 0)
        {
            return 0;
        }

        var bias = (table.NonZeroCells - table.Rows.NonZeroLevels - table.Columns.NonZeroLevels + 1) / (2.0 * n);
        return table.MutualInformationNats() - bias;
    }

    private static (IReadOnlyList<FeaturePairReport> Reports, double[] Matrix) PairReports(
        IReadOnlyList<(int A, int B, ContingencyTable Table)> pairs,
        List<FeatureReport> reports)
    {
        var list = new List<FeaturePairReport>(pairs.Count);
        var corrected = new double[pairs.Count];
        for (var p = 0; p < pairs.Count; p++)
        {
            var (a, b, table) = pairs[p];
            corrected[p] = CorrectedNats(table);
            list.Add(new FeaturePairReport
            {
                FeatureA = reports[a].Feature,
                FeatureB = reports[b].Feature,
                Events = table.Total,
                MutualInformationNats = table.MutualInformationNats(),
                MillerMadowNats = corrected[p],
            });
        }

        list.Sort((x, y) => y.MutualInformationNats.CompareTo(x.MutualInformationNats));
        return (list, corrected);
    }

    private static void RankByMrmr(IReadOnlyList<(int A, int B)> pairs, double[] pairMi, List<FeatureReport> reports)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        // The redundancy set: every feature with a pair table. A pair not kept counts as no
        // redundancy (only for pairs given by hand; the top-K set pairs every two of its features).
        var set = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().Order().ToArray();
        var position = set.Select((feature, i) => (feature, i)).ToDictionary(x => x.feature, x => x.i);
        var redundancy = new double[set.Length, set.Length];
        for (var p = 0; p < pairs.Count; p++)
        {
            var (a, b) = (position[pairs[p].A], position[pairs[p].B]);
            redundancy[a, b] = redundancy[b, a] = pairMi[p];
        }

        var relevance = set.Select(f => reports[f].Estimate.MillerMadowNats).ToArray();
        var ranking = MrmrRanking.Rank(relevance, redundancy);

        // Features outside the set follow it, by relevance.
        var outside = Enumerable.Range(0, reports.Count)
            .Where(f => !position.ContainsKey(f))
            .OrderByDescending(f => reports[f].Estimate.MillerMadowNats)
            .ThenBy(f => f)
            .ToList();
        for (var i = 0; i < set.Length; i++)
        {
            var f = set[i];
            reports[f] = reports[f] with
            {
                Mrmr = new MrmrPlacement
                {
                    Rank = ranking.DifferenceRank[i],
                    InRedundancySet = true,
                    ScoreNats = ranking.DifferenceScore[i],
                    QuotientRank = ranking.QuotientRank[i],
                    Quotient = ranking.QuotientScore[i],
                },
            };
        }

        for (var i = 0; i < outside.Count; i++)
        {
            var f = outside[i];
            reports[f] = reports[f] with
            {
                Mrmr = new MrmrPlacement
                {
                    Rank = set.Length + i + 1,
                    InRedundancySet = false,
                    QuotientRank = set.Length + i + 1,
                },
            };
        }
    }

    private ReferenceField Describe(FieldEncoder field) => new(field.Spec.Name, field.Spec.Kind)
    {
        Bins = field.Spec.Kind == FeatureKind.Numeric ? field.Spec.Bins : 0,
        Edges = field.Binner is { } binner ? [.. binner.Edges] : null,
        Values = field.Categorical is { } categorical ? [.. categorical.ExactValues()] : null,
        LevelCap = field.Spec.Kind == FeatureKind.Categorical ? field.Spec.LevelCap : 0,
        TailBuckets = field.Spec.Kind == FeatureKind.Categorical ? field.Spec.TailBuckets : 0,
    };

    /// <summary>
    /// Why a decoded event cannot be counted, or null when it can; an event without a target
    /// value is marked as missing its target here. The rule of <see cref="Apply(EventRecord, int)"/>
    /// and of the shards alike.
    /// </summary>
    internal static SkipReason? ProblemOf(EventRecord record)
    {
        if (record.Problem is null && !record.HasTarget)
        {
            record.Fail(SkipReason.MissingTarget, record.TargetField);
        }

        return record.Problem;
    }

    /// <summary>
    /// Puts each feature's level into <paramref name="features"/> and returns the target's level
    /// (<see cref="Levels.Missing"/> when it has none), binning numbers with the frozen edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int EncodeLevels(int[] levels, double[] numbers, int[] features)
    {
        for (var f = 0; f < features.Length; f++)
        {
            features[f] = LevelOf(f, levels, numbers);
        }

        return LevelOf(_fields.Length - 1, levels, numbers);
    }

    private int LevelOf(int field, int[] levels, double[] numbers) =>
        _binners[field] is { } binner ? binner.Encode(numbers[field]) : levels[field];

    private struct CellCollector(List<(int Row, int Column, long Count)> cells) : ICellVisitor
    {
        public readonly List<(int Row, int Column, long Count)> Cells => cells;

        public readonly void Visit(int row, int column, int count) => cells.Add((row, column, count));
    }

    private readonly struct BufferedEvent(EventRecord record, int partition)
    {
        public int Partition { get; } = partition;

        public int[] Levels { get; } = [.. record.LevelsBuffer];

        public double[] Numbers { get; } = [.. record.Numbers];

        public long EventTimeMs { get; } = record.EventTimeMs;
    }
}
