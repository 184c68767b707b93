using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.State;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.State;

/// <summary>
/// A monitor's window state saved per partition and restored in another engine, checked against
/// a recount by value of the events themselves: level numbers differ between engines, values do not.
/// </summary>
public sealed class PartitionStateTests
{
    private static readonly string[] s_countries = ["DE", "FR", "US", "BR", "JP"];
    private static readonly string[] s_devices = ["ios", "android", "web"];

    [Fact]
    public void ImportPartition_RestartMidStreamWithLevelsNumberedInAnotherOrder_TablesEqualRecountByValue()
    {
        var events = Events(3000, partitions: 3, seed: 1);
        var first = new MonitorEngine(Schema(FixedEdges([15, 25])));
        Count(first, events.Take(1200));

        // The restarted engine first sees a partition of its own whose values come in another
        // order, so the restored levels must be matched by value to come out right.
        var restarted = new MonitorEngine(Schema(FixedEdges([15, 25])));
        var own = new List<Event> { new(3, "JP", "web", 30, "no"), new(3, "BR", "ios", 12, "yes") };
        Count(restarted, own);
        foreach (var partition in new[] { 2, 0, 1 })
        {
            Assert.True(restarted.ImportPartition(partition, first.ExportPartition(partition)).Succeeded);
        }

        Count(restarted, events.Skip(1200));

        Assert.NotEqual(Level(first, 0, "JP"), Level(restarted, 0, "JP"));
        Assert.Equal(Recount([.. events, .. own]), ByValue(restarted));
        Assert.Equal(events.Count + own.Count, restarted.Tables.Events);
    }

    [Fact]
    public void ImportPartition_EachReplicaMergesTheOthersPartitions_BothEqualRecountOfTheWholeStream()
    {
        var events = Events(2000, partitions: 4, seed: 2);
        var low = new MonitorEngine(Schema(FixedEdges([15, 25])));
        var high = new MonitorEngine(Schema(FixedEdges([15, 25])));
        Count(low, events.Where(e => e.Partition < 2));
        Count(high, events.Where(e => e.Partition >= 2).Reverse());

        for (var partition = 0; partition < 4; partition++)
        {
            var (owner, other) = partition < 2 ? (low, high) : (high, low);
            Assert.True(other.ImportPartition(partition, owner.ExportPartition(partition)).Succeeded);
        }

        var expected = Recount(events);
        Assert.Equal(expected, ByValue(low));
        Assert.Equal(expected, ByValue(high));
    }

    [Fact]
    public void ImportPartition_OtherBinEdges_IncompatibleNamingTheFieldAndBothEdgeLists()
    {
        var events = Events(300, partitions: 2, seed: 3);
        var saved = new MonitorEngine(Schema(FixedEdges([15, 25])));
        Count(saved, events.Where(e => e.Partition == 0));
        var here = new MonitorEngine(Schema(FixedEdges([10, 20])));
        Count(here, events.Where(e => e.Partition == 1));
        var before = ByValue(here);

        var result = here.ImportPartition(0, saved.ExportPartition(0));

        Assert.False(result.Succeeded);
        Assert.Equal("numeric field 'amount' has bin edges [15, 25] in it and [10, 20] here", result.Problem);
        Assert.Equal(before, ByValue(here));
    }

    [Fact]
    public void ImportPartition_OtherWindowOrOtherFields_IncompatibleSayingWhat()
    {
        var saved = new MonitorEngine(Schema(FixedEdges([15, 25])));
        Count(saved, Events(50, partitions: 1, seed: 4));
        var sliding = new MonitorEngine(Schema(FixedEdges([15, 25]), WindowSpec.Sliding(TimeSpan.FromMinutes(10), 10)));
        var fewer = new MonitorEngine(new MonitorSchema(
            "checkout",
            [new FeatureSpec("country", FeatureKind.Categorical)],
            new FeatureSpec("label", FeatureKind.Categorical),
            WindowSpec.WholeStream));

        var window = sliding.ImportPartition(0, saved.ExportPartition(0));
        var fields = fewer.ImportPartition(0, saved.ExportPartition(0));

        Assert.Equal("its window is the whole stream, here it is sliding 00:10:00 in 10 panes", window.Problem);
        Assert.Equal("its fields are [country, device, amount, label], here they are [country, label]", fields.Problem);
        Assert.Equal(0, sliding.Tables.Events);
        Assert.Equal(0, fewer.Tables.Events);
    }

    [Fact]
    public void ImportPartition_WhileLearningEdges_AdoptsTheSavedEdgesAndCountsHeldEventsOfOtherPartitions()
    {
        var events = Events(400, partitions: 2, seed: 5);
        var learned = new MonitorEngine(Schema(amount => amount with { Bins = 4 }) with { WarmUpEvents = 100 });
        Count(learned, events.Where(e => e.Partition == 0));
        var edges = learned.ExportPartition(0).Fields[2].Edges!;

        // The other engine holds events of both partitions while it learns; those of partition 0
        // will be read again from the restored offset, so only partition 1's may be counted.
        var here = new MonitorEngine(Schema(amount => amount with { Bins = 4 }) with { WarmUpEvents = 100 });
        var heldOwn = events.Where(e => e.Partition == 1).Take(20).ToList();
        Count(here, events.Where(e => e.Partition == 0).Take(5));
        Count(here, heldOwn);
        Assert.True(here.IsWarmingUp);

        var result = here.ImportPartition(0, learned.ExportPartition(0));

        Assert.True(result.Succeeded);
        Assert.False(here.IsWarmingUp);
        Assert.Equal(edges, here.Snapshot().Features.Single(f => f.Feature == "amount").Edges);
        var expected = events.Where(e => e.Partition == 0).Concat(heldOwn).ToList();
        Assert.Equal(Recount(expected, edges), ByValue(here));
    }

    [Fact]
    public void ExportPartition_CategoricalLevels_NamesTheValueOfEveryLevelUsedInThatPartitionOnly()
    {
        var engine = new MonitorEngine(Schema(FixedEdges([15, 25])));
        Count(engine, [new(0, "DE", "ios", 3, "no"), new(1, "FR", "web", 40, "yes"), new(0, "US", "ios", 20, "no")]);

        var saved = engine.ExportPartition(0);

        Assert.Equal(["DE", "US"], saved.Fields[0].Values.Values.Order());
        Assert.Equal(["ios"], saved.Fields[1].Values.Values);
        Assert.Equal(["no"], saved.Fields[3].Values.Values);
        Assert.Equal([15.0, 25.0], saved.Fields[2].Edges);
        Assert.Empty(saved.Fields[2].Values);
        Assert.Equal(2, saved.Tables.Events);
    }

    private static Func<FeatureSpec, FeatureSpec> FixedEdges(double[] edges) => amount => amount with { Edges = edges };

    private static MonitorSchema Schema(Func<FeatureSpec, FeatureSpec> amount, WindowSpec? window = null) => new(
        "checkout",
        [
            new FeatureSpec("country", FeatureKind.Categorical),
            new FeatureSpec("device", FeatureKind.Categorical),
            amount(new FeatureSpec("amount", FeatureKind.Numeric)),
        ],
        new FeatureSpec("label", FeatureKind.Categorical),
        window ?? WindowSpec.WholeStream);

    private static List<Event> Events(int n, int partitions, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ =>
        {
            var country = s_countries[rng.Next(s_countries.Length)];
            var label = country == "BR" || rng.NextDouble() < 0.1 ? "yes" : "no";
            return new Event(rng.Next(partitions), country, s_devices[rng.Next(3)], rng.Next(1, 40), label);
        })];
    }

    private static void Count(MonitorEngine engine, IEnumerable<Event> events)
    {
        var record = engine.CreateRecord();
        foreach (var e in events)
        {
            record.Reset();
            record.SetText(0, Encoding.UTF8.GetBytes(e.Country));
            record.SetText(1, Encoding.UTF8.GetBytes(e.Device));
            record.SetNumber(2, e.Amount, Encoding.UTF8.GetBytes(e.Amount.ToString(CultureInfo.InvariantCulture)));
            record.SetText(3, Encoding.UTF8.GetBytes(e.Label));
            engine.Apply(record, e.Partition);
        }
    }

    private static int Level(MonitorEngine engine, int field, string value)
    {
        var table = engine.Tables.FeatureTarget[field];
        return Enumerable.Range(0, table.Rows.Levels).First(l => engine.LevelName(field, l) == value);
    }

    /// <summary>Cell counts keyed by feature, row value and target value, read from the engine.</summary>
    private static SortedDictionary<string, long> ByValue(MonitorEngine engine)
    {
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var target = engine.Schema.Features.Count;
        for (var f = 0; f < target; f++)
        {
            var table = engine.Tables.FeatureTarget[f];
            var snapshot = table.Snapshot(out var rows, out var columns);
            for (var r = 0; r < rows.Length; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    if (snapshot.Count(r, c) != 0)
                    {
                        var key = $"{engine.Schema.Features[f].Name}|{engine.LevelName(f, rows[r])}|{engine.LevelName(target, columns[c])}";
                        cells[key] = snapshot.Count(r, c);
                    }
                }
            }
        }

        return cells;
    }

    /// <summary>The same keys counted straight from the events; amounts named by their interval.</summary>
    private static SortedDictionary<string, long> Recount(IEnumerable<Event> events, IReadOnlyList<double>? edges = null)
    {
        edges ??= [15, 25];
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var bin = edges.Count(edge => edge <= e.Amount);
            var lower = bin == 0 ? "-inf" : edges[bin - 1].ToString("G6", CultureInfo.InvariantCulture);
            var upper = bin == edges.Count ? "+inf" : edges[bin].ToString("G6", CultureInfo.InvariantCulture);
            foreach (var key in new[] { $"country|{e.Country}", $"device|{e.Device}", $"amount|[{lower}, {upper})" })
            {
                cells[$"{key}|{e.Label}"] = cells.GetValueOrDefault($"{key}|{e.Label}") + 1;
            }
        }

        return cells;
    }

    private sealed record Event(int Partition, string Country, string Device, int Amount, string Label);
}
