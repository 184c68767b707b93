using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// A monitor without a feature list takes its features from the first event. A first event
/// with eighty thousand fields (under the 1 MiB message limit) must not make eighty thousand
/// features, each with a table per pane.
/// </summary>
public sealed class DiscoveryBombTests
{
    [Fact]
    public async Task Pipeline_FirstEventWithEightyThousandFields_KeepsTheFirst256AndTheTarget()
    {
        var options = new MonitorOptions
        {
            Name = "bomb",
            Topic = "bomb",
            Target = "label",
            Exclude = ["f1"],
            Categorical = ["*"],
        };
        var pipeline = new MonitorPipeline(options, channelCapacity: 16, NullLogger.Instance);
        var first = new StringBuilder("{");
        for (var i = 0; i < 80_000; i++)
        {
            first.Append(CultureInfo.InvariantCulture, $"\"f{i}\":{i % 7},");
        }

        // The target comes last, past every field that is kept.
        first.Append("\"label\":\"a\"}");
        pipeline.Start();

        var bomb = Encoding.UTF8.GetBytes(first.ToString());
        pipeline.Enqueue(new InboundMessage(0, 0, 1_700_000_000_000, bomb, 0), CancellationToken.None);
        for (var i = 1; i <= 100; i++)
        {
            var json = $"{{\"f0\":{i % 3},\"f2\":{i % 2},\"label\":\"l{i % 2}\"}}";
            var message = new InboundMessage(0, i, 1_700_000_000_000 + i, Encoding.UTF8.GetBytes(json), 0);
            pipeline.Enqueue(message, CancellationToken.None);
        }

        await pipeline.CompleteAsync();
        var schema = pipeline.Engine!.Schema;

        Assert.Equal(MonitorPipeline.MaxDiscoveredFeatures, schema.Features.Count);
        Assert.Equal(
            Enumerable.Range(0, MonitorPipeline.MaxDiscoveredFeatures + 1).Where(i => i != 1).Select(i => $"f{i}"),
            schema.Features.Select(f => f.Name));
        Assert.Equal("label", schema.Target.Name);
        Assert.Equal(101, pipeline.Engine.Counted);
    }
}
