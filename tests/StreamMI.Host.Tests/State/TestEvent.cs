using System.Globalization;
using System.Text;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// One event of the test stream, kept as its fields (for recounts) and its JSON (for Kafka).
/// The label depends on the region and on the noisy copy, not on the independent field.
/// </summary>
internal sealed record TestEvent(int Partition, long TimeMs, string Label, string Noisy, string Region, string Independent, double Amount)
{
    public static readonly string[] Features = ["noisy_copy", "region", "independent", "amount"];

    /// <summary>The monitor's settings for these events, under <c>StreamMI:Monitors:0</c>.</summary>
    public static Dictionary<string, string?> MonitorSettings(string edges = "15,25,35", bool sliding = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Name"] = "test",
            ["Target"] = "label",
            ["Features:0"] = "noisy_copy",
            ["Features:1"] = "region",
            ["Features:2"] = "independent",
            ["Features:3"] = "amount",
            ["Categorical:0"] = "noisy_copy",
            ["Categorical:1"] = "region",
            ["Categorical:2"] = "independent",
            ["Numeric:0"] = "amount",
            ["EventTimeField"] = "ts",
            ["WindowMode"] = sliding ? "sliding" : "whole-stream",
            ["Window"] = "20s",
            ["Panes"] = "10",
        };
        var cut = edges.Split(',');
        for (var i = 0; i < cut.Length; i++)
        {
            settings[$"Edges:amount:{i}"] = cut[i];
        }

        return settings;
    }

    /// <summary>
    /// <paramref name="n"/> events spread over partitions, event time 5 ms apart, so 20,000 events
    /// span 100 s: a 20 s window slides through the stream many times.
    /// </summary>
    public static List<TestEvent> Stream(int n, int partitions, int seed)
    {
        string[] labels = ["a", "b", "c"];
        string[] regions = ["north", "south", "east", "west", "ünïcode \"quoted\""];
        var rng = new Random(seed);
        var events = new List<TestEvent>(n);
        for (var i = 0; i < n; i++)
        {
            var region = rng.Next(regions.Length);
            var label = rng.NextDouble() < 0.6 ? region % 3 : rng.Next(3);
            var noisy = rng.NextDouble() < 0.8 ? label : rng.Next(3);
            var amount = Math.Round((10.0 * (label + 1)) + (8.0 * (rng.NextDouble() - 0.5)), 3);
            events.Add(new TestEvent(
                rng.Next(partitions),
                1_700_000_000_000 + (5L * i),
                labels[label],
                labels[noisy],
                regions[region],
                "v" + rng.Next(5),
                amount));
        }

        return events;
    }

    public byte[] Json => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"ts\":{TimeMs},\"label\":\"{Label}\",\"noisy_copy\":\"{Noisy}\",\"region\":\"{Escape(Region)}\",\"independent\":\"{Independent}\",\"amount\":{Amount}}}"));

    /// <summary>The value of one feature as the worker names its level.</summary>
    public string Value(string feature, double[] edges) => feature switch
    {
        "noisy_copy" => Noisy,
        "region" => Region,
        "independent" => Independent,
        _ => Interval(edges),
    };

    private string Interval(double[] edges)
    {
        var bin = edges.Count(e => e <= Amount);
        var lower = bin == 0 ? "-inf" : edges[bin - 1].ToString("G6", CultureInfo.InvariantCulture);
        var upper = bin == edges.Length ? "+inf" : edges[bin].ToString("G6", CultureInfo.InvariantCulture);
        return $"[{lower}, {upper})";
    }

    private static string Escape(string text) => text.Replace("\"", "\\\"", StringComparison.Ordinal);
}
