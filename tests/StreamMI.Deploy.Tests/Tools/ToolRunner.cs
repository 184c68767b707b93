using System.Diagnostics;

namespace StreamMI.Deploy.Tests.Tools;

/// <summary>
/// Runs the command-line tools the checks rely on. A tool that is not installed fails the
/// test with a message that names the package it comes from and the script that installs it.
/// </summary>
internal static class ToolRunner
{
    // A safety net against a hung tool, not a performance assertion: the slowest check
    // here takes seconds.
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(5);

    private static readonly Dictionary<string, string> Origins = new(StringComparer.Ordinal)
    {
        ["promtool"] = "Debian's prometheus package",
        ["amtool"] = "Debian's prometheus-alertmanager package",
        ["yamllint"] = "Debian's yamllint package",
        ["shellcheck"] = "Debian's shellcheck package",
        ["go"] = "Debian's golang-go package",
        ["gofmt"] = "Debian's golang-go package",
        ["node"] = "Node.js, part of the build machines' image",
        ["kubectl"] = "the kubectl package of the build machines' image",
        ["bash"] = "Debian's bash package",
        ["dotnet"] = "the .NET SDK",
    };

    public static async Task<ToolResult> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var executable = Locate(tool) ?? throw new InvalidOperationException(MissingMessage(tool));

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory ?? Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var command = $"{tool} {string.Join(' ', start.ArgumentList)}";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {command}");

        // Both streams are drained concurrently, so that a tool filling one pipe's buffer
        // cannot block while the other one is being read.
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(HangLimit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {HangLimit}.");
        }

        return new ToolResult(command, process.ExitCode, await standardOutput, await standardError);
    }

    /// <summary>The full path of an executable on PATH (or a path given as is), else null.</summary>
    public static string? Locate(string tool)
    {
        if (tool.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;

        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
    }

    public static string MissingMessage(string tool)
    {
        var origin = Origins.TryGetValue(tool, out var known) ? known : "its package";

        return $"{tool} is not installed (it comes from {origin}). "
            + "Run deploy/check/install-tools.sh as root to install every tool these tests use.";
    }
}
