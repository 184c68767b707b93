using System.Globalization;
using System.Text.Json;
using StreamMI.Host.Configuration;
using StreamMI.Host.Reporting;
using StreamMI.Host.Scanning;

namespace StreamMI.Cli.Commands;

/// <summary><c>streammi scan</c>: ranks the features of a file or standard input by MI with a target.</summary>
internal static class ScanCommand
{
    public const string Usage = """
        streammi scan PATH|- --target COLUMN [--format csv|jsonl] [--categorical COLS|'*']
                      [--numeric COLS] [--boolean COLS] [--bins N] [--exclude COLS] [--json]
                      [--threads N]
        """;

    private static readonly HashSet<string> s_values = ["target", "format", "categorical", "numeric", "boolean", "bins", "exclude", "level-cap", "threads"];
    private static readonly HashSet<string> s_flags = ["json"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var reader = new ArgReader(args, s_values, s_flags);
        if (reader.Positional.Count != 1)
        {
            throw new UsageException("scan takes one input: a file path, or - for standard input.");
        }

        var target = reader.Value("target") ?? throw new UsageException("scan needs --target COLUMN.");
        var path = reader.Positional[0];
        var format = reader.Value("format") switch
        {
            null => path == "-" ? InputFormat.JsonLines : FileScanner.FormatOf(path)
                ?? throw new UsageException($"Cannot tell the format of '{path}' from its extension; pass --format csv or --format jsonl."),
            "csv" => InputFormat.Csv,
            "jsonl" or "ndjson" or "json" => InputFormat.JsonLines,
            var other => throw new UsageException($"--format must be csv or jsonl; it is '{other}'."),
        };

        var selection = new FeatureSelection
        {
            Target = target,
            Categorical = reader.List("categorical"),
            Numeric = reader.List("numeric"),
            Boolean = reader.List("boolean"),
            Exclude = reader.List("exclude"),
            Bins = reader.Int("bins", 10, 2, 1000),
            LevelCap = reader.Int("level-cap", 4096, 1, 1_000_000),
        };

        var interactive = !Console.IsErrorRedirected;
        var scanner = new FileScanner(selection)
        {
            Threads = reader.Int("threads", 1, 1, 256),
            Progress = interactive ? rows => stderr.Write($"\r{rows:N0} rows read…") : null,
        };

        ScanResult result;
        using (var input = Open(path))
        {
            try
            {
                result = scanner.Scan(input, format);
            }
            catch (InvalidDataException ex)
            {
                throw new InputException(ex.Message);
            }
            catch (ConfigurationException ex)
            {
                throw new InputException(ex.Message);
            }
        }

        if (interactive)
        {
            stderr.Write("\r");
        }

        if (reader.Flag("json"))
        {
            WriteJson(stdout, result);
        }
        else
        {
            WriteTable(stdout, result);
        }

        return 0;
    }

    private static Stream Open(string path)
    {
        if (path == "-")
        {
            return Console.OpenStandardInput();
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new InputException($"Cannot open '{path}': {ex.Message}");
        }
    }

    private static void WriteJson(TextWriter stdout, ScanResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rows", result.Rows);
            writer.WriteNumber("counted", result.Snapshot.Counted);
            writer.WriteString("target", result.Snapshot.Target);
            writer.WriteNumber("target_levels", result.Snapshot.TargetLevels);
            ReportJson.WriteSkipped(writer, result.Snapshot.Skipped);
            writer.WriteStartArray("features");
            foreach (var feature in result.Snapshot.Features)
            {
                ReportJson.WriteFeature(writer, feature);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteTable(TextWriter stdout, ScanResult result)
    {
        var s = result.Snapshot;
        var ci = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(ci, $"{result.Rows:N0} rows, {s.Counted:N0} counted; target '{s.Target}' has {s.TargetLevels} levels"));
        var skipped = s.Skipped.Where(kv => kv.Value > 0).ToList();
        if (skipped.Count > 0)
        {
            stdout.WriteLine("skipped: " + string.Join(", ", skipped.Select(kv => string.Create(ci, $"{kv.Key} {kv.Value:N0}"))));
        }

        stdout.WriteLine();
        var width = Math.Max(7, s.Features.Select(f => f.Feature.Length).DefaultIfEmpty(7).Max());
        stdout.WriteLine(string.Create(ci, $"{"rank",4}  {"feature".PadRight(width)}  {"kind",-11}  {"levels",6}  {"MI bits",9}  {"MM bits",9}  {"NMI",7}  {"p-value",9}"));
        var rank = 0;
        foreach (var f in s.Features)
        {
            var e = f.Estimate;
            var kind = f.Kind.ToString().ToLowerInvariant() + (f.Capped ? "*" : string.Empty);
            stdout.WriteLine(string.Create(ci, $"{++rank,4}  {f.Feature.PadRight(width)}  {kind,-11}  {e.RowLevels,6}  {e.MutualInformationBits,9:F5}  {e.MillerMadowBits,9:F5}  {e.NormalizedMutualInformation,7:F4}  {e.PValue,9:G3}"));
        }

        if (s.Features.Any(f => f.Capped))
        {
            stdout.WriteLine();
            stdout.WriteLine("* more distinct values than the level cap: rare values share hashed buckets, so MI is a lower bound.");
        }

        var inferred = s.Features.Where(f => f.KindReason is not null).ToList();
        if (inferred.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine("kinds inferred from the first rows:");
            foreach (var f in inferred)
            {
                stdout.WriteLine($"  {f.Feature}: {f.Kind.ToString().ToLowerInvariant()} ({f.KindReason})");
            }
        }
    }
}
