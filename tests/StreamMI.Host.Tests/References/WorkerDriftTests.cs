using System.Globalization;
using System.Text.RegularExpressions;
using StreamMI.Host.Demo;
using StreamMI.Host.References;
using StreamMI.Host.Tests.Worker;

namespace StreamMI.Host.Tests.References;

/// <summary>The worker against the embedded Kafka peer, with a first-window reference and redundancy pairs.</summary>
public sealed partial class WorkerDriftTests
{
    // One event every 10 ms of event time: 20,000 events span 200 s. The window is 20 s in four
    // panes of 5 s, so the first window is full at 20 s; the demo stream drifts after 10,000
    // events (100 s): concept loses its link to the label.
    private static readonly Dictionary<string, string?> s_monitor = new()
    {
        ["Target"] = "label",
        ["EventTimeField"] = "ts",
        ["Exclude:0"] = "amount",
        ["Categorical:0"] = "*",
        ["Window"] = "20s",
        ["Panes"] = "4",
        ["Reference"] = "first-window",
        ["RedundancyTopK"] = "3",
        ["WarmUpEvents"] = "1000",
    };

    [Fact]
    public async Task Worker_FirstWindowReference_ConceptDriftShowsInSnapshotMetricsAndSavedReference()
    {
        const int Events = 20_000;
        var generator = new SyntheticEvents(seed: 11, driftAfter: 10_000);
        var start = 1_700_000_000_000L;
        var values = Enumerable.Range(0, Events).Select(i => generator.Next(start + (i * 10L))).ToList();
        await using var harness = await WorkerHarness.StartAsync(partitions: 1, s_monitor);

        harness.Produce(values);
        var monitor = await harness.WaitForAsync(m => m.TryGetProperty("counted", out var c) && c.GetInt64() >= Events, TimeSpan.FromSeconds(90));

        var drift = monitor.GetProperty("drift");
        Assert.Equal("first-window", drift.GetProperty("reference").GetString());
        Assert.True(drift.GetProperty("ready").GetBoolean());
        Assert.Equal("2023-11-14T22:13:20+00:00", drift.GetProperty("reference_start").GetString());
        Assert.Equal("2023-11-14T22:13:40+00:00", drift.GetProperty("reference_end").GetString());

        // The first window holds exactly the first 20 s: 2,000 events. Pane boundaries from 25 s to
        // 195 s each gave one evaluation (the one at 20 s captured the reference).
        Assert.Equal(2000, drift.GetProperty("reference_events").GetInt64());
        Assert.Equal(35, drift.GetProperty("evaluations").GetInt64());

        var features = monitor.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("feature").GetString()!);
        Assert.Equal("drifting", features["concept"].GetProperty("drift").GetProperty("state").GetString());
        Assert.Equal("none", features["noisy_copy"].GetProperty("drift").GetProperty("state").GetString());
        Assert.Equal("none", features["independent"].GetProperty("drift").GetProperty("state").GetString());
        Assert.True(features["region"].GetProperty("drift").GetProperty("marginal").GetProperty("shifted").GetBoolean());
        Assert.Equal(3, monitor.GetProperty("pairs").GetArrayLength());

        var metrics = await harness.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(2, Gauge(metrics, "streammi_feature_drift_state", "concept"));
        Assert.Equal(0, Gauge(metrics, "streammi_feature_drift_state", "independent"));
        Assert.Equal(features["concept"].GetProperty("drift").GetProperty("z").GetDouble(), Gauge(metrics, "streammi_feature_drift_z", "concept"), 1e-9);
        Assert.Equal(
            features["concept"].GetProperty("drift").GetProperty("reference_mi_miller_madow_bits").GetDouble(),
            Gauge(metrics, "streammi_feature_reference_mutual_information", "concept", "miller_madow"),
            1e-9);
        Assert.Equal(
            features["region"].GetProperty("drift").GetProperty("marginal").GetProperty("psi").GetDouble(),
            Gauge(metrics, "streammi_feature_marginal_psi", "region"),
            1e-9);
        Assert.Equal(features["noisy_copy"].GetProperty("mrmr").GetProperty("rank").GetInt32(), Gauge(metrics, "streammi_feature_mrmr_rank", "noisy_copy"));
        Assert.Equal(drift.GetProperty("target").GetProperty("psi").GetDouble(), Gauge(metrics, "streammi_target_psi", null), 1e-9);

        using var saved = await harness.Http.GetStreamAsync(new Uri("/api/v1/monitors/test/reference", UriKind.Relative));
        var model = ReferenceFile.Read(saved, "download");
        Assert.Equal(2000, model.Events);
        Assert.Equal("first window", model.Source);
        Assert.Equal("label", model.Target.Name);
    }

    private static double Gauge(string scrape, string metric, string? feature, string? estimator = null)
    {
        foreach (var line in scrape.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success || match.Groups["name"].Value != metric)
            {
                continue;
            }

            var labels = match.Groups["labels"].Value;
            if ((feature is null || labels.Contains($"feature=\"{feature}\"", StringComparison.Ordinal))
                && (estimator is null || labels.Contains($"estimator=\"{estimator}\"", StringComparison.Ordinal)))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"No sample of {metric} for {feature} in the scrape.");
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\S+)")]
    private static partial Regex SampleLine();
}
