using System.Collections.Concurrent;
using StreamMI.Decoding;
using StreamMI.Decoding.Csv;
using StreamMI.Decoding.Inference;
using StreamMI.Decoding.Json;
using StreamMI.Host.Pipeline;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;
using StreamMI.Host.Configuration;
using StreamMI.Host.References;

namespace StreamMI.Host.Scanning;

/// <summary>
/// Reads a whole CSV or JSON Lines input into one monitor over the whole stream, the way the
/// worker counts a topic: same decoders, same schema rules, same engine.
/// </summary>
/// <remarks>
/// <para>
/// The first <see cref="SampleRows"/> rows are held to find the columns (JSON Lines) and to infer
/// the kind of every column the options do not name; they are then counted like the rest.
/// </para>
/// <para>
/// The rows up to the end of the numeric warm-up are counted into the engine itself, on the
/// calling thread, so that it learns the bin edges and chooses the redundancy pairs. The rest are
/// counted into <see cref="CountingShard"/>s, which the engine merges at the end. A shard counts
/// cells alone and leaves the margins and the φ sums to the merge: nobody reads a scan's estimates
/// before its end, so keeping them current on every event, as the engine's tables do, would be
/// work done for nothing. A single-threaded scan counts into one shard on the calling thread.
/// </para>
/// <para>
/// With <see cref="Threads"/> above 1, rows are counted by that many worker threads while the
/// calling thread reads: it hands JSON Lines over as raw lines, which each worker decodes with its
/// own decoder, and CSV as rows it has already split into fields (a quoted field may hold a
/// newline, so only a reader that parses from the start knows where rows begin). The warm-up is
/// counted on the calling thread first, so the learned bin edges (and the redundancy pairs) are
/// those of a single-threaded scan. Each worker then counts into a shard of its own, and once
/// every worker has ended the calling thread merges the shards into the engine cell by cell.
/// Whole-stream counts are additive, so the result is the same, and no counter is written by two
/// threads: counting into one set of shared tables with interlocked operations, as the scan once
/// did, made the cores fight over the cache lines of the target margin and the busiest cells. The
/// engine's own tables have a single writer, the calling thread.
/// </para>
/// <para>
/// A parallel scan then gives the same counts for every value of every feature, and so the same
/// estimates, as a single-threaded one, with two differences. Categorical levels are numbered in
/// the order the workers first meet values (the encoders are the engine's, shared by every shard,
/// so a level means the same value in each), which changes nothing in the estimates but the order
/// in which read-time estimators add up rows, so estimates agree to about 1e-15 relative rather
/// than bit for bit. And a feature with more distinct values than its level cap gives its exact
/// levels to the first values met, which now depends on the interleaving of the workers, so such
/// a feature's (capped, lower-bound) MI can differ between runs. Each shard holds a copy of the
/// table cells until the merge, so a scan takes up to that much more memory per thread.
/// Past the window's event limit, the rows counted are those the workers reached first, and a few
/// fewer than the limit when a worker's last rows leave the room it reserved unused
/// (<see cref="CountingShard.Apply"/>).
/// </para>
/// </remarks>
public sealed class FileScanner
{
    /// <summary>Rows held to discover columns and infer kinds.</summary>
    public const int SampleRows = 1000;

    private readonly FeatureSelection _selection;
    private readonly int _warmUpEvents;
    private readonly int _threads = 1;

    /// <summary>Creates a scanner for one target and feature selection.</summary>
    public FileScanner(FeatureSelection selection, int warmUpEvents = 10_000)
    {
        ArgumentNullException.ThrowIfNull(selection);
        _selection = selection;
        _warmUpEvents = warmUpEvents;
    }

    /// <summary>Called every so many rows with the number read so far.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>
    /// Compare the whole input with a frozen reference (<see cref="ReferenceSpec.Frozen"/>), once
    /// at the end; null for no drift. The reference fixes the features and their discretisation.
    /// </summary>
    public DriftSettings? Drift { get; init; }

    /// <summary>Keep feature–feature tables for the K most relevant features and rank by mRMR; 0 for none.</summary>
    public int RedundancyTopK { get; init; }

    /// <summary>Also freeze the whole input into a reference model (<see cref="ScanResult.Reference"/>).</summary>
    public bool CaptureReference { get; init; }

    /// <summary>The source named in a captured reference, such as the input's file name.</summary>
    public string? Source { get; init; }

    /// <summary>Threads that decode and count; 1 counts on the calling thread.</summary>
    public int Threads
    {
        get => _threads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 256);
            _threads = value;
        }
    }

    /// <summary>Scans <paramref name="input"/> to its end.</summary>
    public ScanResult Scan(Stream input, InputFormat format)
    {
        ArgumentNullException.ThrowIfNull(input);
        return format == InputFormat.Csv ? ScanCsv(input) : ScanJsonLines(input);
    }

    /// <summary>The format a path's extension implies, or null.</summary>
    public static InputFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => InputFormat.Csv,
        ".jsonl" or ".ndjson" or ".json" => InputFormat.JsonLines,
        _ => null,
    };

    private ScanResult ScanCsv(Stream input)
    {
        using var reader = new CsvReader(input, leaveOpen: true);
        var header = reader.Header;
        if (header.Count == 0)
        {
            throw new InvalidDataException("The input is empty: it has no header row.");
        }

        // Hold a sample of rows (copied: a row is only valid until the next read).
        var sample = new List<byte[]?[]>();
        var sampleErrors = new List<DecodeError>();
        while (sample.Count < SampleRows && reader.TryReadRow(out var row))
        {
            sampleErrors.Add(row.Error);
            sample.Add(row.Error is DecodeError.None ? CopyFields(row) : []);
        }

        var inference = new ColumnKindInference(header.Count);
        for (var i = 0; i < sample.Count; i++)
        {
            if (sampleErrors[i] != DecodeError.None)
            {
                continue;
            }

            for (var c = 0; c < header.Count; c++)
            {
                if (sample[i][c] is { Length: > 0 } field)
                {
                    inference.OnText(c, field);
                }
                else
                {
                    inference.OnNull(c);
                }
            }

            inference.CompleteRecord();
        }

        var engine = CreateEngine(header, column => inference.Infer(IndexOf(header, column)));
        var decoder = CsvRecordDecoder.ForColumns(
            header, [.. engine.Schema.Features.Select(f => f.Name), engine.Schema.Target.Name]);
        var sink = new RecordSink(engine.CreateRecord());
        long rows = 0;

        for (var i = 0; i < sample.Count; i++)
        {
            rows++;
            sink.Reset();
            if (sampleErrors[i] != DecodeError.None)
            {
                engine.CountSkipped(RecordSink.ToSkipReason(sampleErrors[i]));
                continue;
            }

            var fields = sample[i];
            for (var f = 0; f < decoder.ColumnIndexes.Count; f++)
            {
                if (fields[decoder.ColumnIndexes[f]] is { Length: > 0 } value)
                {
                    sink.OnText(f, value);
                }
                else
                {
                    sink.OnNull(f);
                }
            }

            engine.Apply(sink.Record);
        }

        sample.Clear();
        while (engine.IsWarmingUp && reader.TryReadRow(out var row))
        {
            rows++;
            sink.Reset();
            Count(engine, sink, row.Error != DecodeError.None ? row.Error : decoder.Decode(row, sink));
            ReportProgress(rows);
        }

        if (!engine.IsWarmingUp)
        {
            rows += _threads > 1
                ? CountCsvInParallel(reader, decoder, engine, rows)
                : CountCsvInShard(reader, decoder, sink, engine, rows);
        }

        return Finish(engine, rows);
    }

    // Counts the rest of the rows on this thread into one shard; returns the rows read.
    private long CountCsvInShard(
        CsvReader reader, CsvRecordDecoder decoder, RecordSink sink, MonitorEngine engine, long before)
    {
        var shard = engine.CreateShard();
        long rows = 0;
        while (reader.TryReadRow(out var row))
        {
            rows++;
            sink.Reset();
            Count(shard, sink, row.Error != DecodeError.None ? row.Error : decoder.Decode(row, sink));
            ReportProgress(before + rows);
        }

        engine.Merge(shard);
        return rows;
    }

    // Reads the rest of the rows into batches of decoded values for the workers; returns the
    // rows read.
    private long CountCsvInParallel(CsvReader reader, CsvRecordDecoder decoder, MonitorEngine engine, long before)
    {
        var shards = new ConcurrentQueue<CountingShard>();
        using var workers = new ParallelCounting<FieldBatch>(
            _threads,
            () => new FieldBatch(),
            () =>
            {
                var shard = engine.CreateShard();
                shards.Enqueue(shard);
                var sink = new RecordSink(engine.CreateRecord());
                return batch =>
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        sink.Reset();
                        Count(shard, sink, batch.Replay(i, sink));
                    }
                };
            });

        long rows = 0;
        var current = workers.Rent();
        while (reader.TryReadRow(out var row))
        {
            rows++;
            current.EndRow(row.Error != DecodeError.None ? row.Error : decoder.Decode(row, current));
            if (current.IsFull)
            {
                workers.Submit(current);
                current = workers.Rent();
            }

            ReportProgress(before + rows);
        }

        workers.Submit(current);
        workers.Complete();
        MergeShards(engine, shards);
        return rows;
    }

    private ScanResult ScanJsonLines(Stream input)
    {
        using var lines = new JsonLinesReader(input);
        var sample = new List<byte[]?>();
        var paths = new List<string>();
        while (sample.Count < SampleRows && lines.TryReadLine(out var line, out var oversized))
        {
            if (oversized || JsonEventDecoder.DiscoverFields(line, paths) != DecodeError.None)
            {
                sample.Add(oversized ? null : line.ToArray());
                continue;
            }

            sample.Add(line.ToArray());
        }

        if (sample.Count == 0)
        {
            throw new InvalidDataException("The input is empty: it has no lines.");
        }

        var inference = new ColumnKindInference(paths.Count);
        var probe = new JsonEventDecoder(paths);
        foreach (var line in sample)
        {
            if (line is not null && probe.Decode(line, inference) == DecodeError.None)
            {
                inference.CompleteRecord();
            }
        }

        var engine = CreateEngine(paths, path => inference.Infer(paths.IndexOf(path)));
        var decoder = new JsonEventDecoder([.. engine.Schema.Features.Select(f => f.Name), engine.Schema.Target.Name]);
        var sink = new RecordSink(engine.CreateRecord());
        long rows = 0;
        foreach (var line in sample)
        {
            rows++;
            Count(engine, decoder, sink, line, oversized: line is null);
        }

        sample.Clear();
        while (engine.IsWarmingUp && lines.TryReadLine(out var line, out var oversized))
        {
            rows++;
            Count(engine, decoder, sink, line, oversized);
            ReportProgress(rows);
        }

        if (!engine.IsWarmingUp)
        {
            rows += _threads > 1
                ? CountLinesInParallel(lines, decoder.FieldPaths, engine, rows)
                : CountLinesInShard(lines, decoder, sink, engine, rows);
        }

        return Finish(engine, rows);
    }

    // Counts the rest of the lines on this thread into one shard; returns the lines read.
    private long CountLinesInShard(
        JsonLinesReader lines, JsonEventDecoder decoder, RecordSink sink, MonitorEngine engine, long before)
    {
        var shard = engine.CreateShard();
        long rows = 0;
        while (lines.TryReadLine(out var line, out var oversized))
        {
            rows++;
            Count(shard, decoder, sink, line, oversized);
            ReportProgress(before + rows);
        }

        engine.Merge(shard);
        return rows;
    }

    // Reads the rest of the lines into batches for the workers, each of which decodes with its
    // own decoder; returns the lines read.
    private long CountLinesInParallel(JsonLinesReader lines, IReadOnlyList<string> paths, MonitorEngine engine, long before)
    {
        var shards = new ConcurrentQueue<CountingShard>();
        using var workers = new ParallelCounting<LineBatch>(
            _threads,
            () => new LineBatch(),
            () =>
            {
                var shard = engine.CreateShard();
                shards.Enqueue(shard);
                var decoder = new JsonEventDecoder(paths);
                var sink = new RecordSink(engine.CreateRecord());
                return batch =>
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var whole = batch.TryGetLine(i, out var line);
                        Count(shard, decoder, sink, line, oversized: !whole);
                    }
                };
            });

        long rows = 0;
        var current = workers.Rent();
        while (lines.TryReadLine(out var line, out var oversized))
        {
            rows++;
            if (current.IsFullFor(line.Length))
            {
                workers.Submit(current);
                current = workers.Rent();
            }

            current.Add(line, oversized);
            ReportProgress(before + rows);
        }

        workers.Submit(current);
        workers.Complete();
        MergeShards(engine, shards);
        return rows;
    }

    // On the calling thread, after every worker has ended (the joins publish the shards' counts).
    private static void MergeShards(MonitorEngine engine, ConcurrentQueue<CountingShard> shards)
    {
        foreach (var shard in shards)
        {
            engine.Merge(shard);
        }
    }

    private static void Count(
        IEventCounter counter, JsonEventDecoder decoder, RecordSink sink, ReadOnlySpan<byte> line, bool oversized)
    {
        sink.Reset();
        Count(counter, sink, oversized ? DecodeError.Oversized : decoder.Decode(line, sink));
    }

    // Counts the record the sink holds, or the decoder's error by reason.
    private static void Count(IEventCounter counter, RecordSink sink, DecodeError error)
    {
        if (error != DecodeError.None)
        {
            counter.CountSkipped(RecordSink.ToSkipReason(error));
        }
        else
        {
            counter.Apply(sink.Record);
        }
    }

    private MonitorEngine CreateEngine(IReadOnlyList<string> columns, Func<string, ColumnKindResult> infer)
    {
        MonitorSchema schema;
        if (Drift?.Reference.Model is { } model)
        {
            var selection = ReferenceSelection.Complete(_selection, model);
            var absent = selection.Features.Append(selection.Target)
                .Where(f => !columns.Contains(f, StringComparer.Ordinal))
                .ToList();
            if (absent.Count > 0)
            {
                throw new ConfigurationException(
                    $"The input has no column {string.Join(", ", absent.Select(a => $"'{a}'"))}, "
                    + $"which the reference has; its columns are: {string.Join(", ", columns)}.");
            }

            schema = ReferenceSelection.BuildSchema(
                _selection, model, "scan", columns, column => ToKind(infer(column)), WindowSpec.WholeStream, _warmUpEvents);
        }
        else
        {
            schema = _selection.BuildSchema(
                "scan",
                columns,
                column => ToKind(infer(column)),
                WindowSpec.WholeStream,
                _warmUpEvents);
        }

        schema = schema with { RedundancyTopK = RedundancyTopK };
        try
        {
            // A scan saves no partition state, so its whole-stream tables keep no panes. Worker
            // threads count into shards of their own, merged on this thread: the engine's tables
            // have one writer either way.
            return new MonitorEngine(schema, Drift, partitionState: false);
        }
        catch (ArgumentException ex) when (Drift?.Reference.Model is not null)
        {
            throw new ConfigurationException($"The reference does not match the scan: {ex.Message}", ex);
        }
    }

    private ScanResult Finish(MonitorEngine engine, long rows)
    {
        engine.CompleteWarmUp();
        engine.EvaluateDrift();
        ReferenceModel? reference = null;
        if (CaptureReference)
        {
            // A file's rows carry no event time: the reference's time span is unknown.
            var captured = engine.CaptureReference(Source);
            reference = new ReferenceModel(captured.Target, captured.Features, captured.Tables, captured.HashSeed)
            {
                Source = Source,
            };
        }

        return new ScanResult(rows, engine.Snapshot()) { Reference = reference };
    }

    private static (FeatureKind Kind, string Reason)? ToKind(ColumnKindResult result) => result.Kind switch
    {
        InferredKind.Numeric => (FeatureKind.Numeric, result.Reason),
        InferredKind.Boolean => (FeatureKind.Boolean, result.Reason),
        _ => (FeatureKind.Categorical, result.Reason),
    };

    private void ReportProgress(long rows)
    {
        if ((rows & 0xFFFFF) == 0)
        {
            Progress?.Invoke(rows);
        }
    }

    private static byte[]?[] CopyFields(CsvRow row)
    {
        var fields = new byte[]?[row.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = row.Field(i).ToArray();
        }

        return fields;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
