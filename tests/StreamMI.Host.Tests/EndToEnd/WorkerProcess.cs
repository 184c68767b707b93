using System.Globalization;

namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>
/// The worker as users run it: the built <c>streammi.dll</c> (copied next to the test assembly
/// by the project reference to StreamMI.Cli) started with <c>dotnet streammi.dll run ...</c> in
/// a process of its own.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly ChildProcess _process;

    private WorkerProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public int Port { get; }

    public HttpClient Http { get; }

    /// <summary>The worker's process, for failure messages.</summary>
    public ChildProcess Process => _process;

    /// <summary>
    /// Starts <c>streammi run</c> with <paramref name="arguments"/> after the HTTP options, in
    /// <paramref name="directory"/> (so no appsettings.json of the caller's is read), with an
    /// environment cleared of StreamMI and OTLP settings and the given OpenTelemetry resource.
    /// </summary>
    public static WorkerProcess Start(
        string directory,
        int port,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "streammi.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"{dll} is missing: build tests/StreamMI.Host.Tests, which references src/StreamMI.Cli.");
        }

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("StreamMI__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                env[key] = null;
            }
        }

        foreach (var (key, value) in environment)
        {
            env[key] = value;
        }

        List<string> args =
        [
            dll,
            "run",
            "--http-address", "127.0.0.1",
            "--http-port", port.ToString(CultureInfo.InvariantCulture),
            .. arguments,
        ];
        var process = ChildProcess.Start("streammi run", TestTools.DotnetHost(), args, directory, env);
        return new WorkerProcess(process, port);
    }

    /// <summary>Waits, bounded, until <c>/healthz/ready</c> says the worker is consuming.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        await Waiting.UntilAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"The worker exited at start.{Environment.NewLine}{_process.Tail()}");
                }

                try
                {
                    var ready = new Uri("/healthz/ready", UriKind.Relative);
                    using var response = await Http.GetAsync(ready);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            timeout,
            () => $"The worker did not become ready.{Environment.NewLine}{_process.Tail()}");
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
    }
}
