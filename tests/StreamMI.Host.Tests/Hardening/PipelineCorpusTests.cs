using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Decoding.Tests.Fuzz;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>The regression corpus through the worker's pipeline: each case is counted, or
/// skipped for the reason the corpus records.</summary>
public sealed class PipelineCorpusTests
{
    public static TheoryData<int> Lines => FuzzCorpus.Lines();

    [Theory]
    [MemberData(nameof(Lines))]
    public async Task Pipeline_CorpusCase_EndsAsRecorded(int line)
    {
        var corpusCase = FuzzCorpus.At(line);
        var pipeline = new MonitorPipeline(FuzzMonitor.Options(decoders: 1), channelCapacity: 4, NullLogger.Instance);
        pipeline.Start();

        pipeline.Enqueue(new InboundMessage(0, 0, 1_700_000_000_000, corpusCase.Payload, 0), CancellationToken.None);
        await pipeline.CompleteAsync();
        var snapshot = pipeline.Snapshot()!;

        var outcomes = snapshot.Skipped.Where(s => s.Value > 0).Select(s => (s.Key, s.Value)).ToList();
        if (snapshot.Counted > 0)
        {
            outcomes.Add(("counted", snapshot.Counted));
        }

        Assert.Equal([(corpusCase.Outcome, 1L)], outcomes);
    }
}
