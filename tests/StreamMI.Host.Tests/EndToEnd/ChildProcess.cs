using System.Collections.Concurrent;
using System.Diagnostics;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// A process the tests start (the worker, Prometheus, promtool), with its last lines of output
/// kept for failure messages. Disposing kills it and everything it started; so does the end of
/// the test process, as a last resort, so no child outlives a crashed or aborted run.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 60;

    private static readonly ConcurrentDictionary<ChildProcess, bool> s_running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in s_running.Keys)
            {
                child.Dispose();
            }
        };
    }

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>A short name for messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's id of the process.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/>; output is kept, input is closed.</summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        s_running[child] = true;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs a short-lived tool to its end, bounded by <paramref name="timeout"/>, feeding it
    /// <paramref name="input"/>, and returns its exit code and everything it wrote.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string input,
        TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.StandardInput.WriteAsync(input.AsMemory(), cts.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            return (process.ExitCode, (await stdout) + (await stderr));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            var command = $"{fileName} {string.Join(' ', info.ArgumentList)}";
            throw new TimeoutException($"{command} did not finish within {timeout}.");
        }
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string Tail() =>
        $"--- last output of {Name} (pid {_process.Id}) ---{Environment.NewLine}"
        + string.Join(Environment.NewLine, _lines);

    /// <summary>Kills the process and its children, and waits a bounded time for the end.</summary>
    public void Dispose()
    {
        if (!s_running.TryRemove(this, out _))
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // By design: the process ended between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }
}
