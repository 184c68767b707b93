using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using StreamMI.Cli.Commands;

namespace StreamMI.Host.Tests.Worker;

/// <summary>`streammi demo`, the README's main job, started for a few seconds.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_AfterAFewSeconds_RanksTheNoisyCopyFirstAndTheIndependentFeatureNearZero()
    {
        var port = FreePort();
        var demo = Task.Run(() => DemoCommand.RunAsync(
            ["--duration", "25s", "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "3000"],
            TextWriter.Null,
            TextWriter.Null));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        JsonElement monitor = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            try
            {
                var json = await http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
                monitor = JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
                if (monitor.TryGetProperty("counted", out var counted) && counted.GetInt64() >= 15_000)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // The worker is still starting.
            }
        }

        var exit = await demo;
        Assert.Equal(0, exit);
        Assert.True(monitor.TryGetProperty("counted", out var total) && total.GetInt64() >= 15_000, $"the demo counted too little: {monitor}");
        var features = monitor.GetProperty("features").EnumerateArray().ToList();
        var byName = features.ToDictionary(f => f.GetProperty("feature").GetString()!, f => f.GetProperty("mi_bits").GetDouble());

        // noisy_copy: label kept with probability 0.8, else uniform over three labels. With the
        // demo's label prior (≈ 0.37/0.37/0.26 from region) its MI is about 0.88 bits, the highest.
        Assert.Equal("noisy_copy", features[0].GetProperty("feature").GetString());
        Assert.InRange(byName["noisy_copy"], 0.8, 0.95);

        // independent: plug-in bias (5−1)(3−1)/(2N ln 2) < 0.0004 bits at N ≥ 15,000.
        Assert.InRange(byName["independent"], 0, 0.003);
    }

    [Fact]
    public async Task Demo_Sigterm_StopsTheDemoAsCtrlCDoes()
    {
        // docker stop, kubectl delete and timeout send SIGTERM. The host takes that signal for
        // itself, so the demo must stop when the host is told to, or it runs on until SIGKILL.
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "streammi.dll"), "demo", "--http-port", port, "--rate", "500" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var output = new ConcurrentQueue<string>();
        using var serving = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line.StartsWith("Worker endpoints on", StringComparison.Ordinal))
                {
                    serving.Set();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.True(serving.Wait(TimeSpan.FromSeconds(60)), "the demo did not start:\n" + string.Join('\n', output));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the demo was still running 30 s after SIGTERM:\n" + string.Join('\n', output.TakeLast(5)));
            }

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Demo stopped.", output);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
