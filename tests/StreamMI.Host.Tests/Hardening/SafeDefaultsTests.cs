using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StreamMI.Host.Kafka;
using StreamMI.Host.Tests.Worker;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// What the worker gives away by default: no secrets in its output or its views, GET-only
/// read views, and no oversized request served. (That the container image runs as a non-root
/// user is checked on the Dockerfile by StreamMI.Deploy.Tests' lint rule "non-root".)
/// </summary>
public sealed class SafeDefaultsTests
{
    private const string SaslPassword = "sasl-Pa55word-7f3a";
    private const string KeyPassword = "key-Pa55word-91c2";
    private const string KeystorePassword = "keystore-Pa55word-5d0e";

    private static readonly string[] s_paths = ["/healthz/live", "/healthz/ready", "/api/v1/snapshot", "/metrics"];

    private static readonly string[] s_routes = [.. s_paths, "/api/v1/monitors/{name}/reference"];

    [Fact]
    public async Task Worker_SecretsInKafkaClientSettings_AppearNowhereInItsOutputOrViews()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("events", 1);

        // SASL against a peer that has none: the client fails to authenticate and says so,
        // and librdkafka's debug output prints its whole configuration.
        await using var worker = WorkerProcess.Start(
        [
            "--bootstrap-servers", cluster.BootstrapServers, "--topic", "events", "--target", "label",
            "--StreamMI:Kafka:Client:security.protocol=sasl_plaintext",
            "--StreamMI:Kafka:Client:sasl.mechanism=PLAIN",
            "--StreamMI:Kafka:Client:sasl.username=alice",
            $"--StreamMI:Kafka:Client:sasl.password={SaslPassword}",
            $"--StreamMI:Kafka:Client:ssl.key.password={KeyPassword}",
            $"--StreamMI:Kafka:Client:ssl.keystore.password={KeystorePassword}",
            "--StreamMI:Kafka:Client:debug=conf,security",
        ]);
        await worker.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(
            () => worker.Output.Contains("Local_Authentication", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        var views = new List<string>();
        foreach (var path in s_paths)
        {
            using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative));
            views.Add(await response.Content.ReadAsStringAsync());
        }

        var output = worker.Output;

        // The configuration dump and the authentication failure are there, so the secrets
        // had every chance to show.
        Assert.Contains("sasl.password = [redacted]", output, StringComparison.Ordinal);
        Assert.Contains("ssl.key.password = [redacted]", output, StringComparison.Ordinal);
        foreach (var secret in new[] { SaslPassword, KeyPassword, KeystorePassword })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.All(views, view => Assert.DoesNotContain(secret, view, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Worker_ClientSettingLibrdkafkaRefuses_ExitsWithThreeAndNamesTheSetting()
    {
        await using var worker = WorkerProcess.Start(
        [
            "--bootstrap-servers", "127.0.0.1:9", "--topic", "events", "--target", "label",
            "--StreamMI:Kafka:Client:security.protocol=carrier-pigeon",
            $"--StreamMI:Kafka:Client:sasl.password={SaslPassword}",
        ]);

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, exitCode);
        Assert.Contains("security.protocol", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SaslPassword, worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_EveryEndpoint_AnswersGetAndRefusesEveryOtherMethod()
    {
        var monitor = new Dictionary<string, string?> { ["Target"] = "label" };
        await using var harness = await WorkerHarness.StartAsync(partitions: 1, monitor);
        var routes = harness.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var answers = new List<(string Method, string Path, HttpStatusCode Status)>();
        foreach (var path in s_paths)
        {
            foreach (var method in new[] { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                using var response = await harness.Http.SendAsync(request);
                answers.Add((method, path, response.StatusCode));
            }
        }

        // Every route the worker maps is one of the read-only views, and each takes GET alone.
        Assert.Equal(
            s_routes.Order(StringComparer.Ordinal),
            routes.Select(r => r.RoutePattern.RawText!).Order(StringComparer.Ordinal));
        Assert.All(routes, r => Assert.Equal(["GET"], r.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods));
        Assert.All(answers.Where(a => a.Method != "GET"), a => Assert.Equal(HttpStatusCode.MethodNotAllowed, a.Status));
        Assert.All(
            answers.Where(a => a.Method == "GET" && a.Path != "/healthz/ready"),
            a => Assert.Equal(HttpStatusCode.OK, a.Status));
    }

    [Fact]
    public async Task Http_OversizedRequests_AreRefusedBeforeAnyEndpointRuns()
    {
        var monitor = new Dictionary<string, string?> { ["Target"] = "label" };
        await using var harness = await WorkerHarness.StartAsync(partitions: 1, monitor);
        var snapshot = new Uri("/api/v1/snapshot", UriKind.Relative);

        var longUri = new Uri("/api/v1/snapshot?q=" + new string('x', 8192), UriKind.Relative);
        using var longLine = await harness.Http.GetAsync(longUri);
        using var bigHeaders = new HttpRequestMessage(HttpMethod.Get, snapshot);
        bigHeaders.Headers.Add("X-Padding", new string('x', 32 * 1024));
        using var bigHeadersResponse = await harness.Http.SendAsync(bigHeaders);
        using var bigBody = new HttpRequestMessage(HttpMethod.Get, snapshot)
        {
            Content = new ByteArrayContent(new byte[1 << 20]),
        };
        using var bigBodyResponse = await harness.Http.SendAsync(bigBody);
        using var streamed = new HttpRequestMessage(HttpMethod.Get, snapshot)
        {
            Content = new StreamContent(new MemoryStream(new byte[100])),
        };
        streamed.Headers.TransferEncodingChunked = true;
        using var streamedResponse = await harness.Http.SendAsync(streamed);
        using var smallBody = new HttpRequestMessage(HttpMethod.Get, snapshot) { Content = new ByteArrayContent(new byte[100]) };
        using var smallBodyResponse = await harness.Http.SendAsync(smallBody);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeadersResponse.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigBodyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, smallBodyResponse.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }
}
