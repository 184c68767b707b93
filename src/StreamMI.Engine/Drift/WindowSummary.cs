using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Drift;

/// <summary>
/// What a drift evaluation reads from one window: each feature's MI moments and level counts, and
/// the target's level counts, all indexed by level number.
/// </summary>
public sealed class WindowSummary
{
    /// <summary>Creates a summary from its parts, features in the monitor's order.</summary>
    public WindowSummary(
        IReadOnlyList<InformationMoments> moments,
        IReadOnlyList<long[]> featureCounts,
        long[] targetCounts)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(featureCounts);
        ArgumentNullException.ThrowIfNull(targetCounts);
        if (moments.Count != featureCounts.Count)
        {
            throw new ArgumentException("Every feature needs both its moments and its counts.", nameof(featureCounts));
        }

        Moments = moments;
        FeatureCounts = featureCounts;
        TargetCounts = targetCounts;
        Events = targetCounts.Sum();
    }

    /// <summary>Each feature's MI moments.</summary>
    public IReadOnlyList<InformationMoments> Moments { get; }

    /// <summary>Each feature's counts by level.</summary>
    public IReadOnlyList<long[]> FeatureCounts { get; }

    /// <summary>The target's counts by level.</summary>
    public long[] TargetCounts { get; }

    /// <summary>Events in the window.</summary>
    public long Events { get; }

    /// <summary>
    /// Reads live tables. Call it from the thread that writes them (or while none does), or the
    /// moments and counts may come from slightly different moments.
    /// </summary>
    public static WindowSummary Of(
        IReadOnlyList<ContingencyTable> tables,
        IReadOnlyList<Marginal> features,
        Marginal target)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);

        var moments = tables.Select(t => InformationMoments.Of(t.Snapshot(out _, out _))).ToList();
        return new WindowSummary(moments, [.. features.Select(Copy)], Copy(target));
    }

    /// <summary>Reads a frozen reference for the features named, in that order.</summary>
    public static WindowSummary Of(ReferenceModel model, IReadOnlyList<string> features)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);

        var tables = features
            .Select(f => model.TableOf(f) ?? throw new ArgumentException($"The reference has no feature '{f}'.", nameof(features)))
            .ToList();
        var moments = tables.Select(t => InformationMoments.Of(t.ToSnapshot())).ToList();
        var target = tables.Count > 0 ? tables[0].ColumnTotals() : [];
        return new WindowSummary(moments, [.. tables.Select(t => t.RowTotals())], target);
    }

    private static long[] Copy(Marginal margin)
    {
        var counts = new int[margin.Levels];
        margin.CopyTo(counts);
        var wide = new long[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            wide[i] = counts[i];
        }

        return wide;
    }
}
