using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.State;
using StreamMI.Host.Configuration;
using StreamMI.Host.Scanning;

namespace StreamMI.Host.Tests.State;

/// <summary>
/// What the windows of <see cref="TestEvent.MonitorSettings"/> should hold, recounted from the
/// events, and the same tables read by value from a saved state or a live engine.
/// </summary>
internal static class ExpectedTables
{
    public static readonly double[] Edges = [15, 25, 35];

    private const long PaneMs = 2000;
    private const int Panes = 10;

    /// <summary>
    /// The events a 20 s window in 10 panes holds at the end: those whose pane is among the last
    /// ten before the newest pane of <paramref name="events"/>. For the events of one partition
    /// this is that partition's own window; for all of them, the monitor's.
    /// </summary>
    public static List<TestEvent> InWindow(IEnumerable<TestEvent> events, bool sliding = true)
    {
        var list = events.ToList();
        if (!sliding || list.Count == 0)
        {
            return list;
        }

        var newest = list.Max(e => e.TimeMs / PaneMs);
        return [.. list.Where(e => e.TimeMs / PaneMs > newest - Panes)];
    }

    /// <summary>Cells "feature|value|label" counted straight from events.</summary>
    public static SortedDictionary<string, long> ByValue(IEnumerable<TestEvent> events, double[]? edges = null)
    {
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            foreach (var feature in TestEvent.Features)
            {
                var key = $"{feature}|{e.Value(feature, edges ?? Edges)}|{e.Label}";
                cells[key] = cells.GetValueOrDefault(key) + 1;
            }
        }

        return cells;
    }

    /// <summary>The same cells read from a saved partition state, its levels named by the values saved with it.</summary>
    public static SortedDictionary<string, long> ByValue(PartitionState state)
    {
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var target = state.Fields[^1];
        foreach (var pane in state.Tables.Panes)
        {
            for (var f = 0; f < pane.FeatureTarget.Count; f++)
            {
                foreach (var cell in pane.FeatureTarget[f])
                {
                    var key = $"{state.Fields[f].Name}|{Name(state.Fields[f], cell.Row)}|{Name(target, cell.Column)}";
                    cells[key] = cells.GetValueOrDefault(key) + cell.Count;
                }
            }
        }

        return cells;
    }

    /// <summary>The same cells read from a live engine's window tables.</summary>
    public static SortedDictionary<string, long> ByValue(MonitorEngine engine)
    {
        var cells = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var target = engine.Schema.Features.Count;
        for (var f = 0; f < target; f++)
        {
            var snapshot = engine.Tables.FeatureTarget[f].Snapshot(out var rows, out var columns);
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

    /// <summary>
    /// Asserts that a worker's snapshot shows <paramref name="events"/>: as many events in the
    /// window, and for each feature the levels and MI of a scan of exactly those events.
    /// </summary>
    public static void AssertSnapshotShows(JsonElement monitor, IReadOnlyList<TestEvent> events, double[]? edges = null)
    {
        var selection = new FeatureSelection
        {
            Target = "label",
            Features = TestEvent.Features,
            Categorical = ["noisy_copy", "region", "independent"],
            Numeric = ["amount"],
            Edges = new Dictionary<string, List<double>> { ["amount"] = [.. edges ?? Edges] },
        };
        var jsonl = string.Join('\n', events.Select(e => Encoding.UTF8.GetString(e.Json)));
        var scan = new FileScanner(selection).Scan(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), InputFormat.JsonLines);

        Assert.Equal(events.Count, monitor.GetProperty("window").GetProperty("events").GetInt64());
        var features = monitor.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("feature").GetString()!);
        foreach (var expected in scan.Snapshot.Features)
        {
            var actual = features[expected.Feature];
            Assert.Equal(expected.Estimate.RowLevels, actual.GetProperty("levels").GetInt32());
            Assert.Equal(expected.Estimate.MutualInformationBits, actual.GetProperty("mi_bits").GetDouble(), 1e-12);
        }
    }

    private static string Name(FieldState field, int level)
    {
        if (level == Levels.Missing)
        {
            return Levels.MissingName;
        }

        if (field.Kind == FeatureKind.Categorical)
        {
            return field.Values.TryGetValue(level, out var value) ? value : $"(bucket level {level})";
        }

        var edges = field.Edges!;
        var lower = level == 1 ? "-inf" : edges[level - 2].ToString("G6", CultureInfo.InvariantCulture);
        var upper = level - 1 >= edges.Count ? "+inf" : edges[level - 1].ToString("G6", CultureInfo.InvariantCulture);
        return $"[{lower}, {upper})";
    }
}
