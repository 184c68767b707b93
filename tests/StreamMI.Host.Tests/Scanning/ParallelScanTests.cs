using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamMI.Cli.Commands;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Configuration;
using StreamMI.Host.Scanning;

namespace StreamMI.Host.Tests.Scanning;

/// <summary>
/// A scan on several threads against the same scan on one: the same rows, skips, kinds, edges
/// and estimates, and MI equal to a brute-force count of the file.
/// </summary>
public sealed class ParallelScanTests : IDisposable
{
    private const int Rows = 30_000;
    private const int WarmUp = 2_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("streammi-parallel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Scan_JsonLinesOnSeveralThreads_EqualsSingleThreadedScan(int threads)
    {
        var path = Write("events.jsonl", JsonLines(new Random(31)));

        var single = Scan(path, InputFormat.JsonLines, 1);
        var parallel = Scan(path, InputFormat.JsonLines, threads);

        AssertSameResult(single, parallel);
        Assert.Equal(Rows + 3, parallel.Rows);
        Assert.Equal(1, parallel.Snapshot.Skipped["malformed_json"]);
        Assert.Equal(1, parallel.Snapshot.Skipped["not_an_object"]);
        Assert.Equal(Rows / 97 + 2, parallel.Snapshot.Skipped["missing_target"]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Scan_CsvWithQuotedNewlinesOnSeveralThreads_EqualsSingleThreadedScan(int threads)
    {
        var path = Write("events.csv", Csv(new Random(32)));

        var single = Scan(path, InputFormat.Csv, 1);
        var parallel = Scan(path, InputFormat.Csv, threads);

        AssertSameResult(single, parallel);
        Assert.Equal(Rows + 1, parallel.Rows);
        Assert.Equal(1, parallel.Snapshot.Skipped["wrong_field_count"]);
    }

    [Fact]
    public void Scan_JsonLinesWithRedundancyOnThreeThreads_PairsEqualSingleThreadedScan()
    {
        var path = Write("pairs.jsonl", JsonLines(new Random(35)));

        var single = Scan(path, InputFormat.JsonLines, 1, redundancyTopK: 3);
        var parallel = Scan(path, InputFormat.JsonLines, 3, redundancyTopK: 3);

        AssertSameResult(single, parallel);
        Assert.Equal(3, parallel.Snapshot.Pairs.Count);
        var expected = single.Snapshot.Pairs.ToDictionary(p => (p.FeatureA, p.FeatureB));
        foreach (var pair in parallel.Snapshot.Pairs)
        {
            var match = expected[(pair.FeatureA, pair.FeatureB)];
            Assert.Equal(match.Events, pair.Events);

            // A feature with more levels than a pair table keeps is folded by level number, which
            // follows the order the threads first meet values; any other pair is bit-identical.
            if (pair.FeatureA != "city" && pair.FeatureB != "city")
            {
                Assert.Equal(match.MutualInformationNats, pair.MutualInformationNats);
            }
        }
    }

    [Fact]
    public void Scan_ParallelJsonLines_CategoricalMiEqualsBruteForceCount()
    {
        var events = Events(new Random(33)).ToList();
        var path = Write("plain.jsonl", string.Concat(events.Select(e => e.Json + "\n")));

        var result = Scan(path, InputFormat.JsonLines, 3);

        var counted = events.Where(e => e.Label is not null).ToList();
        var expected = BruteForceMiBits(counted.Select(e => (e.Country, e.Label!)));
        var country = result.Snapshot.Features.Single(f => f.Feature == "country");
        Assert.Equal(expected, country.Estimate.MutualInformationBits, 1e-12);
        Assert.Equal(counted.Count, result.Snapshot.Counted);
    }

    [Fact]
    public void Run_ThreadsOption_PrintsTheSameJsonAsOneThread()
    {
        var path = Write("cli.jsonl", JsonLines(new Random(34)));
        var one = new StringWriter();
        var two = new StringWriter();

        var first = ScanCommand.Run([path, "--target", "label", "--json"], one, TextWriter.Null);
        var second = ScanCommand.Run([path, "--target", "label", "--json", "--threads", "2"], two, TextWriter.Null);

        Assert.Equal((0, 0), (first, second));
        var a = JsonDocument.Parse(one.ToString()).RootElement;
        var b = JsonDocument.Parse(two.ToString()).RootElement;
        Assert.Equal(a.GetProperty("rows").GetInt64(), b.GetProperty("rows").GetInt64());
        Assert.Equal(a.GetProperty("counted").GetInt64(), b.GetProperty("counted").GetInt64());
        var expected = a.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("feature").GetString()!);
        foreach (var feature in b.GetProperty("features").EnumerateArray())
        {
            var match = expected[feature.GetProperty("feature").GetString()!];
            var mi = match.GetProperty("mi_bits").GetDouble();
            Assert.Equal(mi, feature.GetProperty("mi_bits").GetDouble(), Math.Max(1e-15, mi * 1e-12));
            Assert.Equal(match.GetProperty("levels").GetInt32(), feature.GetProperty("levels").GetInt32());
        }
    }

    [Fact]
    public void Run_ThreadsOutOfRange_IsAUsageError()
    {
        var path = Write("small.jsonl", "{\"a\":\"x\",\"label\":\"y\"}\n");

        var error = Assert.Throws<UsageException>(
            () => ScanCommand.Run([path, "--target", "label", "--threads", "0"], TextWriter.Null, TextWriter.Null));

        Assert.Contains("--threads", error.Message, StringComparison.Ordinal);
    }

    private static ScanResult Scan(string path, InputFormat format, int threads, int redundancyTopK = 0)
    {
        var scanner = new FileScanner(new FeatureSelection { Target = "label" }, WarmUp)
        {
            Threads = threads,
            RedundancyTopK = redundancyTopK,
        };
        using var input = File.OpenRead(path);
        return scanner.Scan(input, format);
    }

    private static void AssertSameResult(ScanResult single, ScanResult parallel)
    {
        Assert.Equal(single.Rows, parallel.Rows);
        Assert.Equal(single.Snapshot.Counted, parallel.Snapshot.Counted);
        Assert.Equal(single.Snapshot.Skipped, parallel.Snapshot.Skipped);
        Assert.Equal(single.Snapshot.TargetLevels, parallel.Snapshot.TargetLevels);
        var expected = single.Snapshot.Features.ToDictionary(f => f.Feature);
        Assert.Equal(expected.Count, parallel.Snapshot.Features.Count);
        foreach (var actual in parallel.Snapshot.Features)
        {
            var report = expected[actual.Feature];
            Assert.Equal(report.Kind, actual.Kind);
            Assert.Equal(report.Edges, actual.Edges);

            // The running sums are integers added in any order: the live MI is bit-identical.
            Assert.Equal(report.LiveMutualInformationNats, actual.LiveMutualInformationNats);
            AssertClose(report.Estimate.MutualInformationNats, actual.Estimate.MutualInformationNats);
            AssertClose(report.Estimate.MillerMadowNats, actual.Estimate.MillerMadowNats);
            AssertClose(report.Estimate.AdjustedMutualInformation, actual.Estimate.AdjustedMutualInformation);
            AssertClose(report.Estimate.GStatistic, actual.Estimate.GStatistic);
            AssertClose(report.Estimate.PValue, actual.Estimate.PValue);
            Assert.Equal(report.Estimate.RowLevels, actual.Estimate.RowLevels);
            Assert.Equal(report.Estimate.NonZeroCells, actual.Estimate.NonZeroCells);
            Assert.Equal(report.Estimate.Total, actual.Estimate.Total);
        }
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.Equal(expected, actual, Math.Max(1e-15, Math.Abs(expected) * 1e-12));

    private static double BruteForceMiBits(IEnumerable<(string X, string Y)> pairs)
    {
        var list = pairs.ToList();
        double n = list.Count;
        var joint = list.GroupBy(p => p).ToDictionary(g => g.Key, g => (double)g.Count());
        var xs = list.GroupBy(p => p.X).ToDictionary(g => g.Key, g => (double)g.Count());
        var ys = list.GroupBy(p => p.Y).ToDictionary(g => g.Key, g => (double)g.Count());
        return joint.Sum(kv => kv.Value / n * Math.Log2(kv.Value * n / (xs[kv.Key.X] * ys[kv.Key.Y])));
    }

    /// <summary>
    /// Rows with a categorical country tied to the label, a numeric amount (binned after the
    /// warm-up), a boolean, a 300-value city and an unrelated code; every 97th has no label.
    /// </summary>
    private static IEnumerable<Sample> Events(Random rng)
    {
        for (var i = 0; i < Rows; i++)
        {
            var label = rng.Next(4);
            var country = rng.Next(3) == 0 ? $"C{label}" : $"C{rng.Next(12)}";
            var amount = Math.Round(Math.Exp(label + rng.NextDouble()), 2).ToString(CultureInfo.InvariantCulture);
            var mobile = rng.Next(2) == 0 ? "true" : "false";
            var city = $"city{rng.Next(300)}";
            var code = rng.Next(7);
            var labelText = i % 97 == 5 ? null : $"L{label}";
            var labelJson = labelText is null ? "null" : $"\"{labelText}\"";
            var json = $"{{\"country\":\"{country}\",\"amount\":{amount},\"mobile\":{mobile},\"city\":\"{city}\",\"code\":{code},\"label\":{labelJson}}}";
            var csv = $"{country},{amount},{mobile},\"{city},\nnorth\",{code},{labelText}";
            yield return new Sample(json, csv, country, labelText);
        }
    }

    private static string JsonLines(Random rng)
    {
        var text = new StringBuilder();
        foreach (var (e, i) in Events(rng).Select((e, i) => (e, i)))
        {
            text.Append(e.Json).Append('\n');
            if (i == 10_000)
            {
                text.Append("{\"country\":\n");
                text.Append("[1, 2]\n");
                text.Append("{\"country\":\"C1\"}\n\n");
            }
        }

        return text.ToString();
    }

    private static string Csv(Random rng)
    {
        var text = new StringBuilder("country,amount,mobile,city,code,label\r\n");
        foreach (var (e, i) in Events(rng).Select((e, i) => (e, i)))
        {
            text.Append(e.Csv).Append("\r\n");
            if (i == 20_000)
            {
                text.Append("C1,2.5,true\r\n");
            }
        }

        return text.ToString();
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private sealed record Sample(string Json, string Csv, string Country, string? Label);
}
