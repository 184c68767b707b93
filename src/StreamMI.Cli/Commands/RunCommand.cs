using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StreamMI.Host.Configuration;
using StreamMI.Host.Hosting;

namespace StreamMI.Cli.Commands;

/// <summary><c>streammi run</c>: the worker, configured by appsettings.json, environment and command line.</summary>
internal static class RunCommand
{
    public const string Usage = """
        streammi run [--bootstrap-servers HOST:PORT --topic T --target COLUMN]
                     [--group-id G] [--categorical COLS|'*'] [--numeric COLS] [--bins N]
                     [--window 1h] [--panes 60] [--http-port 8080] [--config FILE]
                     [--StreamMI:Key=value ...]
        """;

    /// <summary>Maps the one-monitor options onto configuration keys.</summary>
    private static readonly Dictionary<string, string> s_shortcuts = new(StringComparer.Ordinal)
    {
        ["bootstrap-servers"] = "StreamMI:Kafka:BootstrapServers",
        ["topic"] = "StreamMI:Monitors:0:Topic",
        ["target"] = "StreamMI:Monitors:0:Target",
        ["group-id"] = "StreamMI:Monitors:0:GroupId",
        ["name"] = "StreamMI:Monitors:0:Name",
        ["bins"] = "StreamMI:Monitors:0:Bins",
        ["window"] = "StreamMI:Monitors:0:Window",
        ["panes"] = "StreamMI:Monitors:0:Panes",
        ["window-mode"] = "StreamMI:Monitors:0:WindowMode",
        ["event-time-field"] = "StreamMI:Monitors:0:EventTimeField",
        ["dead-letter-topic"] = "StreamMI:Monitors:0:DeadLetterTopic",
        ["http-port"] = "StreamMI:HttpPort",
        ["http-address"] = "StreamMI:HttpAddress",
    };

    private static readonly Dictionary<string, string> s_lists = new(StringComparer.Ordinal)
    {
        ["categorical"] = "StreamMI:Monitors:0:Categorical",
        ["numeric"] = "StreamMI:Monitors:0:Numeric",
        ["boolean"] = "StreamMI:Monitors:0:Boolean",
        ["features"] = "StreamMI:Monitors:0:Features",
        ["exclude"] = "StreamMI:Monitors:0:Exclude",
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stderr)
    {
        var configuration = BuildConfiguration(args, extra: null);
        try
        {
            var options = WorkerApplication.ReadOptions(configuration);
            await using var app = WorkerApplication.Build(options, configuration);
            await WorkerApplication.StartAsync(app, options);
            await app.WaitForShutdownAsync();
        }
        catch (ConfigurationException ex)
        {
            await WriteConfigurationErrorAsync(stderr, ex);
            return 2;
        }

        return Environment.ExitCode;
    }

    /// <summary>Writes a setting that stopped start-up, each of its lines indented.</summary>
    internal static async Task WriteConfigurationErrorAsync(TextWriter stderr, ConfigurationException error)
    {
        await stderr.WriteLineAsync("streammi: configuration error:");
        foreach (var line in error.Message.Split(Environment.NewLine))
        {
            await stderr.WriteLineAsync("  " + line);
        }
    }

    /// <summary>
    /// appsettings.json (or --config FILE), then StreamMI__ environment variables, then the
    /// command line, each overriding the one before.
    /// </summary>
    public static IConfiguration BuildConfiguration(IReadOnlyList<string> args, IDictionary<string, string?>? extra)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        var passThrough = new List<string>();
        string? configFile = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string Next() => eq > 0 ? arg[(eq + 1)..] : i + 1 < args.Count ? args[++i] : throw new UsageException($"--{name} needs a value.");

            if (name.Contains(':', StringComparison.Ordinal))
            {
                passThrough.Add($"--{name}={Next()}");
            }
            else if (name == "config")
            {
                configFile = Next();
            }
            else if (s_shortcuts.TryGetValue(name, out var key))
            {
                map[key] = Next();
            }
            else if (s_lists.TryGetValue(name, out var listKey))
            {
                var items = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var k = 0; k < items.Length; k++)
                {
                    map[$"{listKey}:{k}"] = items[k];
                }
            }
            else
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }

        if (configFile is not null && !File.Exists(configFile))
        {
            throw new UsageException($"--config '{configFile}' does not exist.");
        }

        var builder = new ConfigurationBuilder()
            .AddJsonFile(configFile ?? Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: configFile is null)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        if (extra is not null)
        {
            builder.AddInMemoryCollection(extra);
        }

        return builder.AddInMemoryCollection(map).AddCommandLine([.. passThrough]).Build();
    }
}
