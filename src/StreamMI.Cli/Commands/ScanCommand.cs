using System.Globalization;
using System.Text.Json;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Configuration;
using StreamMI.Host.References;
using StreamMI.Host.Reporting;
using StreamMI.Host.Scanning;

namespace StreamMI.Cli.Commands;

/// <summary><c>streammi scan</c>: ranks the features of a file or standard input by MI with a target.</summary>
internal static class ScanCommand
{
    public const string Usage = """
        streammi scan PATH|- --target COLUMN [--format csv|jsonl] [--categorical COLS|'*']
                      [--numeric COLS] [--boolean COLS] [--bins N] [--exclude COLS] [--json]
                      [--pairs K] [--reference FILE] [--threads N]

          --pairs K         MI between every two of the K features most relevant to the target
                            (chosen from the first 10,000 rows) and an mRMR ranking
          --reference FILE  compare the input with a reference file ('streammi reference build'):
                            dependency drift, marginal PSI and target PSI, Benjamini-Hochberg
                            corrected; one comparison, so no persistence over panes
          --threads N       decode and count on N threads, added up at the end (default 1)
        """;

    /// <summary>The events a scan needs on each side before it judges drift.</summary>
    public const long ScanMinimumEvents = 100;

    private static readonly HashSet<string> s_values = ["target", "format", "categorical", "numeric", "boolean", "bins", "exclude", "level-cap", "pairs", "reference", "threads"];
    private static readonly HashSet<string> s_flags = ["json"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var reader = new ArgReader(args, s_values, s_flags);
        var (path, format) = ReadInput(reader, "scan");
        ReferenceModel? reference = null;
        if (reader.Value("reference") is { } referencePath)
        {
            try
            {
                reference = ReferenceFile.Load(referencePath);
            }
            catch (ReferenceFileException ex)
            {
                throw new InputException(ex.Message);
            }
        }

        var selection = ReadSelection(reader, reference);
        var interactive = !Console.IsErrorRedirected;
        var scanner = new FileScanner(selection)
        {
            Threads = reader.Int("threads", 1, 1, 256),
            Progress = interactive ? rows => stderr.Write($"\r{rows:N0} rows read…") : null,
            RedundancyTopK = reader.Int("pairs", 0, 0, 64),
            Drift = reference is null ? null : new DriftSettings
            {
                Reference = ReferenceSpec.Frozen(reference),
                PersistencePanes = 1,
                ClearPanes = 1,
                MinimumEvents = ScanMinimumEvents,
            },
        };

        ScanResult result;
        result = ScanOrFail(scanner, path, format);

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

    /// <summary>The input path and its format, from the positional argument and --format.</summary>
    internal static (string Path, InputFormat Format) ReadInput(ArgReader reader, string command)
    {
        if (reader.Positional.Count != 1)
        {
            throw new UsageException($"{command} takes one input: a file path, or - for standard input.");
        }

        var path = reader.Positional[0];
        var format = reader.Value("format") switch
        {
            null => path == "-" ? InputFormat.JsonLines : FileScanner.FormatOf(path)
                ?? throw new UsageException(
                    $"Cannot tell the format of '{path}' from its "
                    + $"extension; pass --format csv or --format jsonl."),
            "csv" => InputFormat.Csv,
            "jsonl" or "ndjson" or "json" => InputFormat.JsonLines,
            var other => throw new UsageException($"--format must be csv or jsonl; it is '{other}'."),
        };
        return (path, format);
    }

    /// <summary>
    /// The target and kinds from the command line. Without --bins, numeric fields get the bins
    /// of the reference's numeric fields when there is a reference, else 10.
    /// </summary>
    internal static FeatureSelection ReadSelection(ArgReader reader, ReferenceModel? reference, string command = "scan")
    {
        var target = reader.Value("target") ?? throw new UsageException($"{command} needs --target COLUMN.");
        var referenceBins = reference?.Features.FirstOrDefault(f => f.Kind == FeatureKind.Numeric)?.Bins;
        return new FeatureSelection
        {
            Target = target,
            Categorical = reader.List("categorical"),
            Numeric = reader.List("numeric"),
            Boolean = reader.List("boolean"),
            Exclude = reader.List("exclude"),
            Bins = reader.Int("bins", referenceBins ?? 10, 2, 1000),
            LevelCap = reader.Int("level-cap", 4096, 1, 1_000_000),
        };
    }

    /// <summary>Scans a path or standard input; input problems become <see cref="InputException"/>.</summary>
    internal static ScanResult ScanOrFail(FileScanner scanner, string path, InputFormat format)
    {
        using var input = Open(path);
        try
        {
            return scanner.Scan(input, format);
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
            if (result.Snapshot.Drift is { } drift)
            {
                ReportJson.WriteDrift(writer, drift);
            }

            if (result.Snapshot.Pairs.Count > 0)
            {
                ReportJson.WritePairs(writer, result.Snapshot.Pairs);
            }

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
        var header = string.Create(ci, $"{"rank",4}  {"feature".PadRight(width)}  {"kind",-11}  {"levels",6}  {"MI bits",9}  {"MM bits",9}  {"NMI",7}  {"p-value",9}");
        stdout.WriteLine(header + ExtraHeader(s));
        var rank = 0;
        foreach (var f in s.Features)
        {
            var e = f.Estimate;
            var kind = f.Kind.ToString().ToLowerInvariant() + (f.Capped ? "*" : string.Empty);
            var line = string.Create(ci, $"{++rank,4}  {f.Feature.PadRight(width)}  {kind,-11}  {e.RowLevels,6}  {e.MutualInformationBits,9:F5}  {e.MillerMadowBits,9:F5}  {e.NormalizedMutualInformation,7:F4}  {e.PValue,9:G3}");
            stdout.WriteLine(line + ExtraColumns(s, f));
        }

        WriteDriftNotes(stdout, s);
        WritePairs(stdout, s);

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

    private const double Ln2 = 0.6931471805599453;

    private static string ExtraHeader(MonitorSnapshot s)
    {
        var ci = CultureInfo.InvariantCulture;
        var text = s.Drift is null ? string.Empty
            : string.Create(ci, $"  {"ref MM",9}  {"Δ bits",9}  {"z",7}  {"q-value",9}  {"drift",-9}  {"PSI",7}");
        return s.Pairs.Count > 0 ? text + "  mRMR" : text;
    }

    private static string ExtraColumns(MonitorSnapshot s, FeatureReport f)
    {
        var ci = CultureInfo.InvariantCulture;
        var text = string.Empty;
        if (s.Drift is not null && f.Drift is { } d)
        {
            var state = d.Verdict == DriftVerdict.Insufficient ? "too few" : ReportJson.StateName(d.State);
            text = string.Create(ci, $"  {d.ReferenceCorrectedNats / Ln2,9:F5}  {d.Change.DeltaNats / Ln2,9:F5}  {d.Change.Z,7:F2}  {d.AdjustedPValue,9:G3}  {state,-9}  {d.Marginal.Psi,7:F4}");
        }

        return s.Pairs.Count > 0 && f.Mrmr is { } m
            ? text + string.Create(ci, $"  {m.Rank,4}{(m.InRedundancySet ? string.Empty : "+")}")
            : text;
    }

    private static void WriteDriftNotes(TextWriter stdout, MonitorSnapshot s)
    {
        if (s.Drift is not { } drift)
        {
            return;
        }

        var ci = CultureInfo.InvariantCulture;
        var settings = drift.Settings;
        stdout.WriteLine();
        stdout.WriteLine(string.Create(ci, $"drift against the reference '{drift.ReferenceSource}' ({drift.ReferenceEvents:N0} events): Δ is the change of Miller-Madow MI; q-values are {MultipleComparisons.Name(settings.Correction)} corrected over the features; drifting means |z| >= {settings.ZThreshold}, q <= {settings.SignificanceLevel} and |Δ| >= {settings.MinimumDeltaNats / Ln2:G3} bits, with at least {settings.MinimumEvents:N0} events on each side."));
        if (drift.Last is { } last)
        {
            var shifted = last.TargetShifted ? "shifted" : "not shifted";
            stdout.WriteLine(string.Create(ci, $"target '{s.Target}': PSI {last.Target.Psi:F4}, Jensen-Shannon {last.Target.JensenShannonBits:F4} bits, G-test p {last.Target.PValue:G3}: {shifted} (PSI threshold {settings.PsiThreshold})."));
            var marginal = s.Features.Where(f => f.Drift?.MarginalShifted == true).Select(f => f.Feature).ToList();
            stdout.WriteLine("features whose own distribution shifted (PSI over the threshold, corrected G test): "
                + (marginal.Count > 0 ? string.Join(", ", marginal) : "none") + ".");
        }
    }

    private static void WritePairs(TextWriter stdout, MonitorSnapshot s)
    {
        if (s.Pairs.Count == 0)
        {
            return;
        }

        var ci = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine("mRMR: rank by relevance minus mean redundancy (Miller-Madow MI) over the features paired below; + marks features outside that set, ranked after it by relevance.");
        stdout.WriteLine("feature pairs (redundancy):");
        var width = Math.Max(9, s.Pairs.Max(p => p.FeatureA.Length));
        foreach (var pair in s.Pairs)
        {
            stdout.WriteLine(string.Create(ci, $"  {pair.FeatureA.PadRight(width)}  {pair.FeatureB.PadRight(width)}  {pair.MutualInformationNats / Ln2,9:F5} bits  (MM {pair.MillerMadowNats / Ln2:F5})"));
        }
    }
}
