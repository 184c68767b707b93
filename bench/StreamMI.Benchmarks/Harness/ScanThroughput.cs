using StreamMI.Decoding.Csv;
using StreamMI.Decoding.Json;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;
using StreamMI.Host.Scanning;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// The stages of <c>streammi scan</c> on the data set, in process, one at a time: reading
/// lines, parsing them, turning values into levels, and the whole scan on 1 to N threads. The
/// whole scan over the parse is the cost of counting on top of the physical floor.
/// </summary>
internal static class ScanThroughput
{
    /// <summary>What the command line's <c>scan --target label --exclude ts</c> selects.</summary>
    public static FeatureSelection Selection { get; } = new() { Target = "label", Exclude = ["ts"] };

    /// <summary>The decoded fields: the 16 features and the label.</summary>
    public static string[] Fields { get; } = [.. DataSetGenerator.Columns.Where(c => c != "ts")];

    public static void Run(string directory, int runs, int threads, string? only)
    {
        var jsonl = Path.Combine(directory, "events.jsonl");
        var csv = Path.Combine(directory, "events.csv");
        bool Wanted(string stage) => only is null || stage.StartsWith(only, StringComparison.Ordinal);

        if (Wanted("scan.jsonl.read-lines"))
        {
            long lines = 0;
            var timing = Clock.Best(runs, () => lines = ReadLines(jsonl));
            ResultWriter.Write("scan.jsonl.read-lines", lines, timing);
        }

        if (Wanted("scan.jsonl.parse"))
        {
            long lines = 0;
            var timing = Clock.Best(runs, () => lines = Parse(jsonl));
            ResultWriter.Write("scan.jsonl.parse", lines, timing, note: "JSON Lines reader and decoder into a sink that drops values");
        }

        if (Wanted("scan.jsonl.decode-to-levels"))
        {
            long lines = 0;
            var timing = Clock.Best(runs, () => lines = DecodeToLevels(jsonl));
            ResultWriter.Write("scan.jsonl.decode-to-levels", lines, timing, note: "decoder into an engine record: values become levels, nothing counted");
        }

        for (var t = 1; t <= threads && Wanted("scan.jsonl.full"); t++)
        {
            ScanResult? result = null;
            var scanner = new FileScanner(Selection) { Threads = t };
            var timing = Clock.Best(runs, () => result = Scan(scanner, jsonl, InputFormat.JsonLines));
            ResultWriter.Write("scan.jsonl.full", result!.Rows, timing, t, "FileScanner in process, as streammi scan");
        }

        if (Wanted("scan.csv.parse"))
        {
            long rows = 0;
            var timing = Clock.Best(runs, () => rows = ParseCsv(csv));
            ResultWriter.Write("scan.csv.parse", rows, timing, note: "CSV reader and decoder into a sink that drops values");
        }

        for (var t = 1; t <= threads && Wanted("scan.csv.full"); t++)
        {
            ScanResult? result = null;
            var scanner = new FileScanner(Selection) { Threads = t };
            var timing = Clock.Best(runs, () => result = Scan(scanner, csv, InputFormat.Csv));
            ResultWriter.Write("scan.csv.full", result!.Rows, timing, t, "FileScanner in process, as streammi scan");
        }
    }

    /// <summary>An engine with the data set's kinds, as <c>scan</c> infers them.</summary>
    public static MonitorEngine CreateEngine(WindowSpec window)
    {
        var selection = Selection with
        {
            Numeric = ["amount", "latency_ms", "score", "age", "discount"],
            Boolean = ["is_mobile", "is_returning"],
        };
        var schema = selection.BuildSchema("bench", DataSetGenerator.Columns, _ => null, window, 10_000);
        // A whole stream is counted the way a scan counts it, without partition panes.
        return new MonitorEngine(schema, drift: null, partitionState: window.Mode != WindowMode.WholeStream);
    }

    private static long ReadLines(string path)
    {
        long lines = 0;
        using var reader = new JsonLinesReader(Open(path));
        while (reader.TryReadLine(out _, out _))
        {
            lines++;
        }

        return lines;
    }

    private static long Parse(string path)
    {
        long lines = 0;
        var decoder = new JsonEventDecoder(Fields);
        var sink = new NullSink();
        using var reader = new JsonLinesReader(Open(path));
        while (reader.TryReadLine(out var line, out _))
        {
            decoder.Decode(line, sink);
            lines++;
        }

        return lines;
    }

    private static long DecodeToLevels(string path)
    {
        long lines = 0;
        var engine = CreateEngine(WindowSpec.WholeStream);
        var decoder = new JsonEventDecoder(Fields);
        var sink = new RecordSink(engine.CreateRecord());
        using var reader = new JsonLinesReader(Open(path));
        while (reader.TryReadLine(out var line, out _))
        {
            sink.Reset();
            decoder.Decode(line, sink);
            lines++;
        }

        return lines;
    }

    private static long ParseCsv(string path)
    {
        long rows = 0;
        using var reader = new CsvReader(Open(path));
        var decoder = CsvRecordDecoder.ForColumns(reader.Header, Fields);
        var sink = new NullSink();
        while (reader.TryReadRow(out var row))
        {
            decoder.Decode(row, sink);
            rows++;
        }

        return rows;
    }

    private static ScanResult Scan(FileScanner scanner, string path, InputFormat format)
    {
        using var input = Open(path);
        return scanner.Scan(input, format);
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
}
