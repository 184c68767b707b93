using System.Text;
using StreamMI.Host.Configuration;

namespace StreamMI.Host.Tests.Telemetry;

/// <summary>The cap on features exported per monitor, as the ranking changes over time.</summary>
public sealed class FeatureCapTests
{
    private static readonly string[] s_perFeature =
    [
        "streammi.feature.mutual_information",
        "streammi.feature.adjusted_mutual_information",
        "streammi.feature.normalized_mutual_information",
        "streammi.feature.p_value",
        "streammi.feature.levels",
        "streammi.feature.capped",
    ];

    // Phase one: "a" is the label and "b" is noise; phase two, after the window has slid past
    // phase one, the other way round. With a cap of one feature, "a" is exported first and
    // then only "b": a feature that falls out of the top must stop being exported, or the
    // series count grows with every change of ranking.
    [Fact]
    public async Task Collect_RankingChangesWithCapOne_ExportsOnlyTheCurrentTopFeature()
    {
        var monitor = new MonitorOptions
        {
            Name = "cap-" + Guid.NewGuid().ToString("N")[..8],
            Topic = "unused",
            Target = "label",
            Features = ["a", "b"],
            Categorical = ["a", "b"],
            Window = "10s",
            Panes = 10,
        };
        await using var rig = new PipelineMetricsRig(monitor, maxFeaturesPerMonitor: 1);
        var random = new Random(11);
        const long start = 1_700_000_000_000;

        for (var i = 0; i < 600; i++)
        {
            var label = random.Next(3);
            rig.Enqueue(Event(a: label, b: random.Next(3), label), start + i);
        }

        await rig.WaitForCountedAsync();
        var first = rig.Collect();

        for (var i = 0; i < 600; i++)
        {
            var label = random.Next(3);
            rig.Enqueue(Event(a: random.Next(3), b: label, label), start + 30_000 + i);
        }

        await rig.WaitForCountedAsync();
        var second = rig.Collect();

        foreach (var name in s_perFeature)
        {
            Assert.Equal(["a"], first.TagValues(name, rig.Monitor, "feature"));
            Assert.Equal(["b"], second.TagValues(name, rig.Monitor, "feature"));
        }

        Assert.Equal(2, second.Points("streammi.feature.mutual_information", rig.Monitor).Count);
    }

    private static byte[] Event(int a, int b, int label) =>
        Encoding.UTF8.GetBytes($"{{\"a\":\"v{a}\",\"b\":\"v{b}\",\"label\":\"l{label}\"}}");
}
