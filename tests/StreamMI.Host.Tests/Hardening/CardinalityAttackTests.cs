using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Engine.Discretisation;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;
using StreamMI.Host.Reporting;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// A producer that sends a new value of one feature with every event, the first values a
/// mebibyte-scale size each: the feature's memory stays under the bound its level cap sets,
/// the output marks it capped, and the other features' MI is exactly what a recount gives.
/// </summary>
[Collection(nameof(MeasuresMemory))]
public sealed class CardinalityAttackTests(ITestOutputHelper output)
{
    private const int Events = 2_000_000;
    private const int LevelCap = 1000;
    private const int LongValueBytes = 64 * 1024;

    [Fact]
    public async Task Pipeline_FeatureWithTwoMillionDistinctValues_StaysUnderItsBoundIsCappedAndLeavesTheOthersExact()
    {
        var options = new MonitorOptions
        {
            Name = "attack",
            Topic = "attack",
            Target = "label",
            Features = ["id", "colour", "amount"],
            Categorical = ["id", "colour"],
            Numeric = ["amount"],
            Edges = new Dictionary<string, List<double>> { ["amount"] = [10, 20] },
            LevelCap = LevelCap,
            WindowMode = "whole-stream",
            Decoders = 2,
        };
        var colourByLabel = new long[4, 3];
        var amountByLabel = new long[3, 3];
        var random = new Random(8);
        var baseline = RetainedBytes();
        var pipeline = new MonitorPipeline(options, channelCapacity: 1024, NullLogger.Instance);
        pipeline.Start();

        for (var i = 0; i < Events; i++)
        {
            var label = random.Next(3);
            var colour = random.Next(10) < 7 ? label : random.Next(4);
            var amount = (10 * label) + (random.NextDouble() * 12);
            var bin = amount < 10 ? 0 : amount < 20 ? 1 : 2;
            colourByLabel[colour, label]++;
            amountByLabel[bin, label]++;

            // The first LevelCap ids, the ones that would take the exact levels, are 64 KiB each.
            var id = i < LevelCap
                ? i.ToString(CultureInfo.InvariantCulture).PadRight(LongValueBytes, 'z')
                : "user-" + i.ToString(CultureInfo.InvariantCulture);
            var json = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"id\":\"{id}\",\"colour\":\"c{colour}\",\"amount\":{amount:R},\"label\":\"l{label}\"}}");
            var message = new InboundMessage(i % 4, i / 4, 1_700_000_000_000 + i, Encoding.UTF8.GetBytes(json), 0);
            pipeline.Enqueue(message, CancellationToken.None);
        }

        await pipeline.CompleteAsync();
        var retained = RetainedBytes() - baseline;
        var snapshot = pipeline.Snapshot()!;
        var features = snapshot.Features.ToDictionary(f => f.Feature);
        var tableBytes = pipeline.Engine!.Tables.AllocatedBytes();

        // The bound the cap sets: the tables as allocated, LevelCap stored values of at most
        // MaxExactValueBytes (as UTF-8 key and UTF-16 name, with dictionary overhead), and
        // 8 MiB for the pipeline's pooled events and channels. Without the length limit the
        // first thousand ids alone would keep about 190 MiB.
        var bound = tableBytes + (LevelCap * ((3L * CategoricalEncoder.DefaultMaxExactValueBytes) + 256)) + (8L << 20);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Events:N0} events, {Events - LevelCap:N0}+ distinct ids: retained {retained / 1048576.0:F1} MiB "
            + $"(tables {tableBytes / 1048576.0:F1} MiB), bound {bound / 1048576.0:F1} MiB; "
            + $"id levels {features["id"].Estimate.RowLevels}"));
        GC.KeepAlive(pipeline);

        Assert.Equal(Events, snapshot.Counted);
        // Only the upper bound is the claim: other test classes run in the same process, so a
        // collection in between can make the measured growth negative.
        Assert.True(retained <= bound, $"retained {retained} bytes, bound {bound}");
        Assert.True(features["id"].Capped);
        Assert.InRange(features["id"].Estimate.RowLevels, 2, 1 + LevelCap + 256);
        Assert.Contains("\"capped\":true", FeatureJson(features["id"]), StringComparison.Ordinal);
        Assert.False(features["colour"].Capped);
        Assert.False(features["amount"].Capped);
        Assert.Equal(PlugInBits(colourByLabel), features["colour"].Estimate.MutualInformationBits, 1e-9);
        Assert.Equal(PlugInBits(amountByLabel), features["amount"].Estimate.MutualInformationBits, 1e-9);
        Assert.Equal(4, features["colour"].Estimate.RowLevels);
    }

    // Mutual information of a contingency table in bits, by its definition.
    private static double PlugInBits(long[,] counts)
    {
        var rows = counts.GetLength(0);
        var columns = counts.GetLength(1);
        var total = 0.0;
        var rowSums = new double[rows];
        var columnSums = new double[columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                rowSums[r] += counts[r, c];
                columnSums[c] += counts[r, c];
                total += counts[r, c];
            }
        }

        var mi = 0.0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                if (counts[r, c] > 0)
                {
                    var p = counts[r, c] / total;
                    mi += p * Math.Log2(p * total * total / (rowSums[r] * columnSums[c]));
                }
            }
        }

        return mi;
    }

    private static string FeatureJson(Engine.Monitoring.FeatureReport report)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ReportJson.WriteFeature(writer, report);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static long RetainedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
