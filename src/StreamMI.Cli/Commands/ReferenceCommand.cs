using System.Globalization;
using StreamMI.Host.References;
using StreamMI.Host.Scanning;

namespace StreamMI.Cli.Commands;

/// <summary>
/// <c>streammi reference build</c>: counts a history file like <c>scan</c> and freezes it, with the
/// discretisation it used, into a reference file for drift (<c>scan --reference</c>, or a monitor's
/// <c>Reference</c> setting).
/// </summary>
internal static class ReferenceCommand
{
    public const string Usage = """
        streammi reference build PATH|- --target COLUMN -o FILE [--format csv|jsonl]
                                 [--categorical COLS|'*'] [--numeric COLS] [--boolean COLS]
                                 [--bins N] [--exclude COLS] [--level-cap N]

        Counts every row of PATH and writes a reference file: each field's kind, numeric bin
        edges, categorical level dictionaries, the hash seed, and each feature's counts against
        the target. Monitors and scans compared with it must count the same target and features
        with the same kinds and bins; it refuses them otherwise.
        """;

    private static readonly HashSet<string> s_values = ["target", "format", "categorical", "numeric", "boolean", "bins", "exclude", "level-cap", "output"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] != "build")
        {
            throw new UsageException("reference has one subcommand: build. " + Usage.Split('\n')[0].Trim());
        }

        // -o is the one short option; it means --output.
        var rest = args.Skip(1).Select(a => a == "-o" ? "--output" : a).ToList();
        var reader = new ArgReader(rest, s_values, new HashSet<string>());
        var (path, format) = ScanCommand.ReadInput(reader, "reference build");
        var output = reader.Value("output") ?? throw new UsageException("reference build needs -o FILE, the reference file to write.");
        var selection = ScanCommand.ReadSelection(reader, reference: null, "reference build");

        var interactive = !Console.IsErrorRedirected;
        var scanner = new FileScanner(selection)
        {
            Progress = interactive ? rows => stderr.Write($"\r{rows:N0} rows read…") : null,
            CaptureReference = true,
            Source = path == "-" ? "standard input" : Path.GetFileName(path),
        };
        var result = ScanCommand.ScanOrFail(scanner, path, format);
        if (interactive)
        {
            stderr.Write("\r");
        }

        try
        {
            ReferenceFile.Save(result.Reference!, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new InputException($"Cannot write '{output}': {ex.Message}");
        }

        var model = result.Reference!;
        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Reference of {model.Events:N0} events ({result.Rows:N0} rows) with target '{model.Target.Name}' and {model.Features.Count} features written to {output} (format version {ReferenceFile.Version})."));
        return 0;
    }
}
