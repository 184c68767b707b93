using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// The built <c>streammi</c> worker (<c>dotnet streammi.dll run</c>, next to the test assembly)
/// in a process of its own, so a test can kill it with SIGKILL mid-stream.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http;

    private WorkerProcess(Process process, int port)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public string Output => string.Join(Environment.NewLine, _output);

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(
        StateCluster cluster,
        IReadOnlyDictionary<string, string?> monitor,
        IReadOnlyDictionary<string, string?> state,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var port = InProcessWorker.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streammi.dll"));
        start.ArgumentList.Add("run");
        foreach (var (key, value) in InProcessWorker.Settings(cluster, monitor, state, port, extra))
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var worker = new WorkerProcess(process, port);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The monitor's snapshot, or null while the worker is not serving yet.</summary>
    public async Task<JsonElement?> SnapshotAsync()
    {
        try
        {
            var json = await _http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
            return JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until the worker has partitions assigned and is consuming (<c>/healthz/ready</c>).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not serving yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The worker was not ready within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>Waits until the worker has counted at least <paramref name="events"/> events since it started.</summary>
    public async Task WaitCountedAsync(long events, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (await SnapshotAsync() is { } monitor
                && monitor.TryGetProperty("counted", out var counted)
                && counted.GetInt64() >= events)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The worker did not count {events} events within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>SIGKILL: no drain, no save, no commit, no leaving the group.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the worker to drain, save and exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
