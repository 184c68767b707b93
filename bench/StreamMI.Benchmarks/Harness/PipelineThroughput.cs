using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Decoding.Json;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;
using StreamMI.Host.Telemetry;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// The worker's decode-and-count path without Kafka: every line of the data set, as one message
/// each, through <see cref="MonitorPipeline"/> (decoding lanes, bounded channels, the counting
/// stage and the latency histogram) into a sliding window, as the worker runs it.
/// </summary>
internal static class PipelineThroughput
{
    public static void Run(string directory, int runs, int maxDecoders)
    {
        var messages = LoadMessages(Path.Combine(directory, "events.jsonl"));
        foreach (var (window, panes) in new[] { ("6m", 60), ("1h", 60) })
        {
            for (var decoders = 1; decoders <= maxDecoders; decoders++)
            {
                long counted = 0;
                var timing = Clock.Best(runs, () => counted = RunOnce(messages, window, panes, decoders));
                ResultWriter.Write(
                    $"worker.pipeline.window-{window}",
                    messages.Length,
                    timing,
                    decoders,
                    $"MonitorPipeline without Kafka, {decoders} decoding lane(s), event time from ts, {counted} counted");
            }
        }
    }

    private static long RunOnce(InboundMessage[] messages, string window, int panes, int decoders)
    {
        var options = new MonitorOptions
        {
            Name = "bench",
            Topic = "events",
            Target = "label",
            Exclude = ["ts"],
            EventTimeField = "ts",
            Window = window,
            Panes = panes,
            Decoders = decoders,
        };
        using var meter = new Meter("StreamMI.Benchmarks");
        var histogram = meter.CreateHistogram<double>("streammi.processing.latency");
        var observer = new LatencyObserver(histogram, TimeProvider.System, "bench");
        var pipeline = new MonitorPipeline(options, 4096, NullLogger.Instance, observer);

        pipeline.Start();
        foreach (var message in messages)
        {
            pipeline.Enqueue(message, CancellationToken.None);
        }

        pipeline.CompleteAsync().GetAwaiter().GetResult();
        return pipeline.Engine!.Counted;
    }

    // Each line becomes a message of its own, as a Kafka consumer hands them over, spread over
    // four partitions so that several decoding lanes have work.
    private static InboundMessage[] LoadMessages(string path)
    {
        var messages = new List<InboundMessage>(1_000_000);
        using var reader = new JsonLinesReader(File.OpenRead(path));
        while (reader.TryReadLine(out var line, out _))
        {
            var partition = messages.Count % 4;
            messages.Add(new InboundMessage(partition, messages.Count / 4, 0, line.ToArray(), 0));
        }

        return [.. messages];
    }
}
