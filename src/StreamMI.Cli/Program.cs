using StreamMI.Cli.Commands;

namespace StreamMI.Cli;

/// <summary>The <c>streammi</c> command line: a thin front end over the engine and the worker.</summary>
internal static class Program
{
    private const string Help = """
        streammi: live mutual information between event-stream features and a target.

        Commands:
          scan PATH|-     rank the features of a CSV or JSON Lines file by MI with a target
          reference build PATH|- -o FILE
                          freeze a history file into a reference for drift
          run             the worker: read Kafka topics, keep windowed MI, serve metrics
          demo            an embedded Kafka, a synthetic stream and the worker, with a live view

        Run 'streammi COMMAND --help' for a command's options.
        """;

    public static async Task<int> Main(string[] args)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            await stdout.WriteLineAsync(Help);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            if (rest.Contains("--help"))
            {
                await stdout.WriteLineAsync(args[0] switch
                {
                    "scan" => ScanCommand.Usage,
                    "run" => RunCommand.Usage,
                    "demo" => DemoCommand.Usage,
                    "reference" => ReferenceCommand.Usage,
                    _ => Help,
                });
                return 0;
            }

            return args[0] switch
            {
                "scan" => ScanCommand.Run(rest, stdout, stderr),
                "run" => await RunCommand.RunAsync(rest, stderr),
                "demo" => await DemoCommand.RunAsync(rest, stdout, stderr),
                "reference" => ReferenceCommand.Run(rest, stdout, stderr),
                _ => throw new UsageException($"Unknown command '{args[0]}'. Commands: scan, reference, run, demo."),
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"streammi: {ex.Message}");
            return 2;
        }
        catch (InputException ex)
        {
            await stderr.WriteLineAsync($"streammi: {ex.Message}");
            return 1;
        }
    }
}
