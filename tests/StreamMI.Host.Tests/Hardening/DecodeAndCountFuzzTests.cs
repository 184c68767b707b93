using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Decoding;
using StreamMI.Decoding.Tests.Fuzz;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Pipeline;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// Random and mutated payloads through the worker's decode-and-count path (two decoding lanes,
/// the counting stage, the engine): nothing throws, and every payload is accounted for, by
/// reason, exactly as a one-at-a-time recount accounts for it.
/// </summary>
/// <remarks>
/// The window is the whole stream, so what is counted and why a payload is skipped do not
/// depend on the order in which the lanes hand events over. <c>scripts/fuzz.sh</c> runs the
/// same test with a million payloads.
/// </remarks>
[Trait("Category", "Fuzz")]
public sealed class DecodeAndCountFuzzTests(ITestOutputHelper output)
{
    private const int Partitions = 4;

    [Fact]
    public async Task Pipeline_RandomAndMutatedPayloads_AccountsForEachByReasonAsARecountDoes()
    {
        var payloads = FuzzSettings.Payloads(inTestRun: 200_000);
        var options = FuzzMonitor.Options(decoders: 2);
        var pipeline = new MonitorPipeline(options, channelCapacity: 1024, NullLogger.Instance);
        var recount = new FuzzMonitor(options);
        var generator = new HostilePayloads(FuzzSettings.Seed + 1);
        var disagreements = new List<string>();
        var clock = Stopwatch.StartNew();
        pipeline.Start();

        for (var i = 0; i < payloads; i++)
        {
            var payload = generator.Next();
            pipeline.Enqueue(
                new InboundMessage(i % Partitions, i / Partitions, 1_700_000_000_000 + i, payload.Bytes, 0),
                CancellationToken.None);
            var verdict = recount.Count(payload.Bytes);

            // Where the generator knows the decoder's verdict by construction, the recount
            // must have reached the same one.
            if (payload.Expected is { } known && payload.Bytes is { Length: > 0 } && known != verdict && disagreements.Count < 10)
            {
                disagreements.Add($"payload {i} ({payload.Kind}): generator {known}, decoder {verdict}");
            }
        }

        await pipeline.CompleteAsync();
        var elapsed = clock.Elapsed;
        var actual = pipeline.Snapshot()!;
        var expected = recount.Engine.Snapshot();
        Report(payloads, elapsed, actual);

        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
        Assert.Equal(payloads, pipeline.Consumed);
        Assert.Equal(payloads, actual.Counted + actual.Late + actual.Buffered + actual.Skipped.Values.Sum());
        Assert.Equal(expected.Counted, actual.Counted);
        Assert.Equal(expected.Late, actual.Late);
        Assert.Equal(expected.Skipped, actual.Skipped);
        Assert.Equal(expected.WindowEvents, actual.WindowEvents);

        // Every message went through the counting stage, so each partition's next offset to
        // commit is one past its last message.
        var offsets = pipeline.CountedOffsets();
        for (var p = 0; p < Partitions; p++)
        {
            Assert.Equal((payloads - 1 - p) / Partitions + 1, offsets[p]);
        }
    }

    [Fact]
    public void FuzzMonitor_Fields_AreTheOnesTheGeneratorWrites()
    {
        Assert.True(FuzzMonitor.MatchesGenerator(FuzzMonitor.Options(decoders: 1)));
    }

    private void Report(int payloads, TimeSpan elapsed, MonitorSnapshot snapshot)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{payloads:N0} payloads in {elapsed.TotalSeconds:F1} s through two lanes and a recount: "
            + $"counted {snapshot.Counted:N0}, late {snapshot.Late}, buffered {snapshot.Buffered}"));
        foreach (var (reason, count) in snapshot.Skipped.Where(s => s.Value > 0).OrderByDescending(s => s.Value))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {reason}: {count:N0}"));
        }
    }
}
