using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamMI.Decoding.Json;
using StreamMI.Host.Hosting;
using StreamMI.Host.Kafka;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Events per second through the whole worker (consumer group, consume loop, decoding lane,
/// counting stage, telemetry) reading the data set from the embedded Kafka peer, in this
/// process.
/// </summary>
/// <remarks>
/// <para>
/// The topic is filled before the worker starts, so the figure is the worker's own pace, not
/// the producer's. It is timed from the first counted event to the last, which leaves out the
/// consumer group's start-up.
/// </para>
/// <para>
/// The peer (librdkafka's mock cluster) keeps only a few mebibytes per partition and drops
/// older data silently, so the data set is spread over many partitions, event by event in turn
/// (the default partitioner fills one partition at a time and overran some of them: a fifth of
/// the events were lost that way), and compressed with LZ4; the harness checks that every
/// produced event was counted and says so when not. The peer runs in this process and answers
/// fetches on its own thread, so on two cores it takes CPU time the worker would have on a
/// machine of its own: the figure is a lower bound.
/// </para>
/// </remarks>
internal static class KafkaThroughput
{
    public static void Run(string directory, int events, int partitions)
    {
        var values = LoadValues(Path.Combine(directory, "events.jsonl"), events);
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        const string topic = "bench";
        cluster.CreateTopic(topic, partitions);

        var produce = Clock.Time(() => Produce(cluster.BootstrapServers, topic, partitions, values));
        ResultWriter.Write("kafka.produce", values.Length, produce, note: $"producer into the embedded peer, {partitions} partitions, lz4");

        var (timing, timed, total) = RunWorker(cluster.BootstrapServers, topic, values.Length);
        var note = total == values.Length
            ? $"streammi worker in process against the embedded peer, {partitions} partitions, 1 decoding lane, sliding 6m/60 panes; timed from event {total - timed} to the last"
            : $"only {total} of {values.Length} events arrived: the peer dropped data; the rate covers those counted";
        ResultWriter.Write("kafka.worker", timed, timing, note: note);
    }

    private static byte[][] LoadValues(string path, int events)
    {
        var values = new List<byte[]>(events);
        using var reader = new JsonLinesReader(File.OpenRead(path));
        while (values.Count < events && reader.TryReadLine(out var line, out _))
        {
            values.Add(line.ToArray());
        }

        return [.. values];
    }

    private static void Produce(string bootstrap, string topic, int partitions, byte[][] values)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 20,
            BatchSize = 1 << 20,
            CompressionType = CompressionType.Lz4,
            QueueBufferingMaxMessages = 1_000_000,
        };
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        for (var i = 0; i < values.Length; i++)
        {
            while (true)
            {
                try
                {
                    var partition = new TopicPartition(topic, new Partition(i % partitions));
                    producer.Produce(partition, new Message<Null, byte[]> { Value = values[i] });
                    break;
                }
                catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(5));
    }

    private static (Timing Timing, long Timed, long Total) RunWorker(string bootstrap, string topic, long expected)
    {
        var port = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["StreamMI:Kafka:BootstrapServers"] = bootstrap,
            ["StreamMI:HttpPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["StreamMI:HttpAddress"] = "127.0.0.1",
            ["StreamMI:Monitors:0:Name"] = "bench",
            ["StreamMI:Monitors:0:Topic"] = topic,
            ["StreamMI:Monitors:0:Target"] = "label",
            ["StreamMI:Monitors:0:Exclude:0"] = "ts",
            ["StreamMI:Monitors:0:EventTimeField"] = "ts",
            ["StreamMI:Monitors:0:Window"] = "6m",
            ["StreamMI:Monitors:0:Panes"] = "60",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var app = WorkerApplication.Build(WorkerApplication.ReadOptions(configuration), configuration);
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            var pipeline = app.Services.GetServices<KafkaMonitorService>().Single().Pipeline;
            long Seen() => pipeline.Engine is { } engine ? engine.Counted + engine.Tables.LateEvents : 0;

            // Wait for the first event, then time the rest until all arrive or arrivals stop.
            var deadline = Stopwatch.StartNew();
            while (Seen() == 0 && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(1);
            }

            using var process = Process.GetCurrentProcess();
            var first = Seen();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var last = first;
            var lastChange = Stopwatch.StartNew();
            while (last < expected && lastChange.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(2);
                var now = Seen();
                if (now != last)
                {
                    last = now;
                    lastChange.Restart();
                }
            }

            var elapsed = last < expected ? wall.Elapsed - lastChange.Elapsed : wall.Elapsed;
            process.Refresh();
            var timing = new Timing(elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
            return (timing, last - first, last);
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IAsyncDisposable)app).DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
