using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamMI.Host.Hosting;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Tests.Worker;

/// <summary>An embedded Kafka peer, a topic, and a worker started against it on a free port.</summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    private readonly bool _ownsCluster;

    private WorkerHarness(EmbeddedKafkaCluster cluster, WebApplication app, int port, string topic, bool ownsCluster)
    {
        _ownsCluster = ownsCluster;
        Cluster = cluster;
        App = app;
        Port = port;
        Topic = topic;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public WebApplication App { get; }

    public int Port { get; }

    public string Topic { get; }

    public HttpClient Http { get; }

    public static async Task<WorkerHarness> StartAsync(
        int partitions,
        IDictionary<string, string?> monitor,
        IDictionary<string, string?>? worker = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var cluster = EmbeddedKafkaCluster.Start();

        // One worker joins the group: no need for the mock's 3 s wait for more members.
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(200));
        var topic = "events-" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateTopic(topic, partitions);
        try
        {
            return await StartAsync(cluster, topic, monitor, worker, configureServices, ownsCluster: true);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A worker on an existing peer and topic; the peer is disposed only when <paramref name="ownsCluster"/>.</summary>
    public static async Task<WorkerHarness> StartAsync(
        EmbeddedKafkaCluster cluster,
        string topic,
        IDictionary<string, string?> monitor,
        IDictionary<string, string?>? worker = null,
        Action<IServiceCollection>? configureServices = null,
        bool ownsCluster = false)
    {
        var port = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["StreamMI:Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["StreamMI:Kafka:CommitInterval"] = "00:00:01",
            ["StreamMI:HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StreamMI:HttpAddress"] = "127.0.0.1",
            ["StreamMI:Monitors:0:Name"] = "test",
            ["StreamMI:Monitors:0:Topic"] = topic,
        };
        foreach (var (key, value) in monitor)
        {
            settings[$"StreamMI:Monitors:0:{key}"] = value;
        }

        foreach (var (key, value) in worker ?? new Dictionary<string, string?>())
        {
            settings[$"StreamMI:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = WorkerApplication.ReadOptions(configuration);
        var app = WorkerApplication.Build(options, configuration, configureServices);
        await app.StartAsync();
        return new WorkerHarness(cluster, app, port, topic, ownsCluster);
    }

    public void Produce(IEnumerable<byte[]?> values, Func<int, int>? partitionOf = null)
    {
        var config = new ProducerConfig { BootstrapServers = Cluster.BootstrapServers, LingerMs = 5 };
        using var producer = new ProducerBuilder<Null, byte[]?>(config).Build();
        var i = 0;
        foreach (var value in values)
        {
            var partition = partitionOf?.Invoke(i) ?? Partition.Any;
            producer.Produce(
                new TopicPartition(Topic, partition),
                new Message<Null, byte[]?> { Value = value, Timestamp = new Timestamp(DateTimeOffset.UtcNow) });
            i++;
            if (i % 5000 == 0)
            {
                producer.Flush(TimeSpan.FromSeconds(10));
            }
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>The monitor's entry of /api/v1/snapshot, read once.</summary>
    public async Task<JsonElement> SnapshotAsync()
    {
        var json = await Http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
        return JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
    }

    /// <summary>Polls the snapshot until the monitor has seen <paramref name="consumed"/> messages, counted or skipped.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement monitor = default;
        while (DateTime.UtcNow < deadline)
        {
            var json = await Http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
            monitor = JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
            if (done(monitor))
            {
                // One more second for a snapshot refresh, then read the final numbers.
                await Task.Delay(1100);
                json = await Http.GetStringAsync(new Uri("/api/v1/snapshot", UriKind.Relative));
                return JsonDocument.Parse(json).RootElement.GetProperty("monitors")[0].Clone();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The worker did not get there within {timeout}; last snapshot: {monitor}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsCluster)
        {
            Cluster.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
