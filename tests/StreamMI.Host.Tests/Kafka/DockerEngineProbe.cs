using System.Net.Sockets;
using System.Text;

namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Answers, within a short bound, whether a Docker engine is there to start a Kafka
/// container. Testcontainers finds out by itself too, but only after a much longer wait.
/// </summary>
internal static class DockerEngineProbe
{
    private const string UnixScheme = "unix://";
    private const string TcpScheme = "tcp://";

    /// <summary>
    /// True when DOCKER_HOST, or one of the usual socket paths, leads to an engine that
    /// answers <c>GET /_ping</c> (Unix socket) or accepts a connection (TCP).
    /// </summary>
    public static async Task<bool> AnswersAsync(TimeSpan bound)
    {
        using var cancellation = new CancellationTokenSource(bound);
        string? dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");

        try
        {
            if (!string.IsNullOrWhiteSpace(dockerHost))
            {
                if (dockerHost.StartsWith(UnixScheme, StringComparison.Ordinal))
                {
                    return await PingUnixSocketAsync(
                        dockerHost[UnixScheme.Length..],
                        cancellation.Token);
                }

                string hostPort = dockerHost.StartsWith(TcpScheme, StringComparison.Ordinal)
                    ? dockerHost[TcpScheme.Length..]
                    : string.Empty;
                if (hostPort.Length > 0
                    && Uri.TryCreate("http://" + hostPort, UriKind.Absolute, out Uri? uri))
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(uri.Host, uri.Port, cancellation.Token);
                    return true;
                }

                // npipe:// and ssh:// are left to Testcontainers' own checks.
                return false;
            }

            if (OperatingSystem.IsWindows())
            {
                return File.Exists(@"\\.\pipe\docker_engine");
            }

            foreach (string path in UsualSocketPaths())
            {
                if (File.Exists(path) && await PingUnixSocketAsync(path, cancellation.Token))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is SocketException
                                       or IOException
                                       or OperationCanceledException
                                       or UnauthorizedAccessException)
        {
            // By design: any failure to reach an engine means "no engine here".
            return false;
        }
    }

    private static IEnumerable<string> UsualSocketPaths()
    {
        yield return "/var/run/docker.sock";

        string? runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            yield return Path.Combine(runtimeDir, "docker.sock");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        yield return Path.Combine(home, ".docker", "run", "docker.sock");
    }

    private static async Task<bool> PingUnixSocketAsync(string path, CancellationToken token)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var socket = new Socket(
            AddressFamily.Unix,
            SocketType.Stream,
            ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);

        byte[] request = Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, token);

        var buffer = new byte[64];
        int read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
        string status = Encoding.ASCII.GetString(buffer, 0, read);
        return status.StartsWith("HTTP/1.", StringComparison.Ordinal)
            && status.Contains(" 200 ", StringComparison.Ordinal);
    }
}
