using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.State;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <content>
/// Saving and restoring one input partition's window state. These methods belong to the counting
/// thread, like <see cref="Apply(EventRecord, int)"/>, so a saved state is a cut between events.
/// </content>
public sealed partial class MonitorEngine
{
    /// <summary>
    /// A copy of one partition's panes with the discretisation that gives their levels a meaning:
    /// frozen bin edges, and the raw value of every categorical level the panes use.
    /// </summary>
    public PartitionState ExportPartition(int partition)
    {
        var tables = Tables.ExportPartition(partition);
        var fields = new FieldState[_fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = DescribeField(i, UsedLevels(tables, i));
        }

        return new PartitionState
        {
            Monitor = Schema.Name,
            Window = Schema.Window,
            HashSeed = Schema.HashSeed,
            Fields = fields,
            Pairs = Tables.PairFeatures,
            Tables = tables,
        };
    }

    /// <summary>
    /// Replaces one partition's panes with saved ones. Categorical levels are matched by value,
    /// so the saving process may have numbered them differently. While bin edges are still being
    /// learned, the saved edges are adopted and the events held so far are counted with them.
    /// Returns why the state does not fit (other fields, other bin edges, another window, or more
    /// events than the window may hold with the other partitions' panes) and leaves the partition
    /// as it was when it does not.
    /// </summary>
    /// <remarks>
    /// A categorical value saved with an exact level takes an exact level here too while this
    /// monitor has room below its level cap; once the cap is reached here it goes to its hashed
    /// bucket. A value saved in a hashed bucket stays in that bucket. Restored tables then equal
    /// those of an uninterrupted run exactly as long as no feature is capped.
    /// </remarks>
    public StateImportResult ImportPartition(int partition, PartitionState state)
    {
        ArgumentNullException.ThrowIfNull(state);

        if (FindIncompatibility(state) is { } problem)
        {
            return StateImportResult.Incompatible(problem);
        }

        // Checked before anything changes; only mapping values to levels below adds levels, and
        // a value given a level but left uncounted costs one slot below the cap and nothing else.
        var maps = new Dictionary<int, int>?[_fields.Length];
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].Categorical is not null)
            {
                maps[i] = MapLevels(i, state.Fields[i], UsedLevels(state.Tables, i), out problem);
                if (problem is not null)
                {
                    return StateImportResult.Incompatible(problem);
                }
            }
        }

        var remapped = Remap(state.Tables, state.Pairs, maps, out problem);
        if (problem is null && !state.Pairs.SequenceEqual(Tables.PairFeatures))
        {
            // Pairs this monitor would pick after its warm-up are taken from the saving process,
            // which picked them from its own, as its bin edges are below. If the panes then do not
            // fit, the pairs stay chosen; they were the ones this partition's events were counted with.
            Tables.SelectPairs(state.Pairs);
            _pairsPending = false;
        }

        problem ??= Tables.FindProblem(remapped) ?? Tables.FindOverflow(partition, remapped);
        if (problem is not null)
        {
            return StateImportResult.Incompatible($"its panes do not fit: {problem}");
        }

        DropHeld(partition);
        var warmUp = _warmUp;
        var adopt = warmUp is not null && _numericFields.All(f => state.Fields[f].Edges is not null);
        if (adopt)
        {
            foreach (var field in _numericFields)
            {
                _fields[field].Binner!.FreezeAt(state.Fields[field].Edges!);
            }
        }

        Tables.ReplacePartition(partition, remapped);
        if (adopt)
        {
            lock (_warmUpGate)
            {
                FlushWarmUp(warmUp!);
            }
        }

        return StateImportResult.Imported;
    }

    /// <summary>
    /// Takes one partition's panes out of the window and drops its events held for the warm-up;
    /// that partition then starts fresh.
    /// </summary>
    public void RemovePartition(int partition)
    {
        DropHeld(partition);
        Tables.RemovePartition(partition);
    }

    // Events of a partition whose state is replaced or dropped will be read again from the
    // partition's restored offset, so copies held for the warm-up must not be counted as well.
    private void DropHeld(int partition)
    {
        lock (_warmUpGate)
        {
            _warmUp?.RemoveAll(e => e.Partition == partition);
        }
    }

    private FieldState DescribeField(int field, HashSet<int> used)
    {
        var encoder = _fields[field];
        var values = new Dictionary<int, string>();
        if (encoder.Categorical is { } categorical)
        {
            foreach (var level in used)
            {
                if (categorical.ExactValue(level) is { } value)
                {
                    values[level] = value;
                }
            }
        }

        return new FieldState
        {
            Name = encoder.Spec.Name,
            Kind = encoder.Spec.Kind,
            LevelCap = encoder.Spec.LevelCap,
            TailBuckets = encoder.Spec.TailBuckets,
            Bins = encoder.Spec.Bins,
            Edges = encoder.Binner is { IsFrozen: true } binner ? [.. binner.Edges] : null,
            Values = values,
        };
    }

    // A monitor that picks its pairs after the warm-up may take the saved ones while it has
    // counted nothing and would adopt the saved bin edges as well.
    private bool CanAdoptPairs(PartitionState state) =>
        _pairsPending
        && _warmUp is not null
        && Tables.NewestPaneId is null
        && _numericFields.All(f => state.Fields[f].Edges is not null)
        && state.Pairs.All(p => p.A != p.B && (uint)p.A < (uint)(_fields.Length - 1)
            && (uint)p.B < (uint)(_fields.Length - 1));

    private string? FindIncompatibility(PartitionState state)
    {
        if (!string.Equals(state.Monitor, Schema.Name, StringComparison.Ordinal))
        {
            return $"it was saved by monitor '{state.Monitor}', not '{Schema.Name}'";
        }

        if (!SameWindow(state.Window, Schema.Window))
        {
            return $"its window is {DescribeWindow(state.Window)}, here it is {DescribeWindow(Schema.Window)}";
        }

        if (state.HashSeed != Schema.HashSeed)
        {
            return $"its categorical hash seed is {state.HashSeed}, here it is {Schema.HashSeed}";
        }

        var names = _fields.Select(f => f.Spec.Name);
        if (!state.Fields.Select(f => f.Name).SequenceEqual(names, StringComparer.Ordinal))
        {
            return $"its fields are [{string.Join(", ", state.Fields.Select(f => f.Name))}], "
                + $"here they are [{string.Join(", ", _fields.Select(f => f.Spec.Name))}]";
        }

        var hasEvents = state.Tables.Panes.Count > 0;
        for (var i = 0; i < _fields.Length; i++)
        {
            if (FieldIncompatibility(state.Fields[i], _fields[i], hasEvents) is { } problem)
            {
                return problem;
            }
        }

        if (!state.Pairs.SequenceEqual(Tables.PairFeatures) && !CanAdoptPairs(state))
        {
            return "its feature pairs differ from this monitor's";
        }

        return null;
    }

    private static string? FieldIncompatibility(FieldState saved, FieldEncoder here, bool hasEvents)
    {
        var spec = here.Spec;
        if (saved.Kind != spec.Kind)
        {
            return $"field '{spec.Name}' is {saved.Kind} in it and {spec.Kind} here";
        }

        if (here.Categorical is { } categorical)
        {
            if (saved.LevelCap != categorical.ExactLevelCap || saved.TailBuckets != categorical.TailBuckets)
            {
                return $"categorical field '{spec.Name}' has {saved.LevelCap} exact levels and "
                    + $"{saved.TailBuckets} buckets in it, {categorical.ExactLevelCap} and "
                    + $"{categorical.TailBuckets} here";
            }

            foreach (var level in saved.Values.Keys)
            {
                if (level < 1 || level > categorical.ExactLevelCap)
                {
                    return $"categorical field '{spec.Name}' names a value for level {level}, which is not an exact level";
                }
            }

            return null;
        }

        if (saved.Values.Count > 0)
        {
            return $"{spec.Kind} field '{spec.Name}' has categorical values in it";
        }

        if (here.Binner is not { } binner)
        {
            return null;
        }

        if (saved.Edges is null)
        {
            return hasEvents ? $"numeric field '{spec.Name}' has counts but no bin edges in it" : null;
        }

        if (binner.IsFrozen)
        {
            return saved.Edges.SequenceEqual(binner.Edges)
                ? null
                : $"numeric field '{spec.Name}' has bin edges {FormatEdges(saved.Edges)} in it and "
                    + $"{FormatEdges(binner.Edges)} here";
        }

        if (saved.Bins != spec.Bins)
        {
            return $"numeric field '{spec.Name}' learns {spec.Bins} bins here but {saved.Bins} in it";
        }

        return saved.Edges.Count <= spec.Bins - 1 && IsIncreasing(saved.Edges)
            ? null
            : $"numeric field '{spec.Name}' has bin edges {FormatEdges(saved.Edges)} in it, which do not make {spec.Bins} bins";
    }

    private Dictionary<int, int> MapLevels(int field, FieldState saved, HashSet<int> used, out string? problem)
    {
        problem = null;
        var encoder = _fields[field].Categorical!;
        var map = new Dictionary<int, int>(used.Count);
        foreach (var level in used)
        {
            if (level == Levels.Missing || level > encoder.ExactLevelCap)
            {
                // The missing level and the hashed buckets are numbered the same in every process
                // with the same cap, bucket count and seed, which the caller has checked.
                map[level] = level;
            }
            else if (saved.Values.TryGetValue(level, out var value))
            {
                map[level] = encoder.Encode(Encoding.UTF8.GetBytes(value));
            }
            else
            {
                problem = $"level {level} of categorical field '{saved.Name}' is counted but its value is not saved";
                return map;
            }
        }

        return map;
    }

    private PartitionWindowState Remap(
        PartitionWindowState tables,
        IReadOnlyList<(int A, int B)> savedPairs,
        Dictionary<int, int>?[] maps,
        out string? problem)
    {
        problem = null;
        if (maps.All(m => m is null) || tables.Panes.Count == 0)
        {
            return tables;
        }

        var target = maps[^1];
        var panes = new List<PaneState>(tables.Panes.Count);
        foreach (var pane in tables.Panes)
        {
            var featureTarget = new TableCell[pane.FeatureTarget.Count][];
            for (var f = 0; f < featureTarget.Length; f++)
            {
                var rows = f < maps.Length - 1 ? maps[f] : null;
                featureTarget[f] = [.. pane.FeatureTarget[f].Select(c => new TableCell(
                    Map(rows, c.Row), Map(target, c.Column), c.Count))];
            }

            var pairs = new TableCell[pane.Pairs.Count][];
            for (var p = 0; p < pairs.Length && p < savedPairs.Count; p++)
            {
                var (a, b) = savedPairs[p];
                pairs[p] = new TableCell[pane.Pairs[p].Length];
                for (var k = 0; k < pairs[p].Length; k++)
                {
                    var cell = pane.Pairs[p][k];
                    var row = MapFolded(maps[a], cell.Row);
                    var column = MapFolded(maps[b], cell.Column);
                    if (row < 0 || column < 0)
                    {
                        problem = $"the pair table of '{Schema.Features[a].Name}' and '{Schema.Features[b].Name}' "
                            + "folds levels that are numbered differently here";
                        return tables;
                    }

                    pairs[p][k] = new TableCell(row, column, cell.Count);
                }
            }

            panes.Add(new PaneState(pane.Id, featureTarget, pairs));
        }

        return tables with { Panes = panes };
    }

    private static int Map(Dictionary<int, int>? map, int level) =>
        map is null ? level : map[level];

    // A pair table keeps levels below twice the pair cap as they are and folds higher ones onto
    // the upper half, so a folded cell at or above the cap cannot be traced back to one level.
    // It is kept only when every level of that feature that could fold there keeps its number.
    private int MapFolded(Dictionary<int, int>? map, int folded)
    {
        var cap = Tables.PairLevelCap;
        if (map is null)
        {
            return folded;
        }

        if (folded < cap)
        {
            return Tables.FoldForPair(map[folded]);
        }

        return map.All(kv => kv.Key < cap || kv.Key == kv.Value) ? folded : -1;
    }

    private static HashSet<int> UsedLevels(PartitionWindowState tables, int field)
    {
        var used = new HashSet<int>();
        var features = tables.Panes.Count == 0 ? 0 : tables.Panes[0].FeatureTarget.Count;
        foreach (var pane in tables.Panes)
        {
            // Every event has a cell in every feature's table, so the first feature's table holds
            // every target level and each feature's own table every level of that feature.
            var cells = field < features ? pane.FeatureTarget[field] : pane.FeatureTarget[0];
            foreach (var cell in cells)
            {
                used.Add(field < features ? cell.Row : cell.Column);
            }
        }

        return used;
    }

    private static bool SameWindow(WindowSpec a, WindowSpec b) =>
        a.Mode == b.Mode
        && (a.Mode == WindowMode.WholeStream
            || (a.PaneMilliseconds == b.PaneMilliseconds && a.PaneCount == b.PaneCount));

    private static string DescribeWindow(WindowSpec window) => window.Mode switch
    {
        WindowMode.WholeStream => "the whole stream",
        WindowMode.Tumbling => $"tumbling {window.Length}",
        _ => $"sliding {window.Length} in {window.PaneCount} panes",
    };

    private static bool IsIncreasing(IReadOnlyList<double> edges)
    {
        for (var i = 0; i < edges.Count; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
            {
                return false;
            }
        }

        return true;
    }

    private static string FormatEdges(IReadOnlyList<double> edges) =>
        "[" + string.Join(", ", edges.Select(e => e.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
