using System.Diagnostics;
using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <summary>
/// The cells of a whole-stream count and nothing else: what one thread counts into when nobody
/// reads the estimates until the end, for the <see cref="WindowedTables"/> that made it to add
/// up once with <see cref="WindowedTables.AddCounts(WholeStreamTally)"/>.
/// </summary>
/// <remarks>
/// <para>
/// The tables of a monitor keep their margins and their φ sums current with every event, so that
/// a reader can ask for an estimate at any moment. A count that is only read once it is over,
/// such as a scan of a file, pays for that on every event and uses it once. A tally counts the
/// feature–target and pair cells alone, one increment each; the tables derive the margins and
/// the sums from the cells when they add the tally, as they do when a pane enters a window. The
/// result is the same, counter for counter, as counting every event into the tables.
/// </para>
/// <para>
/// Threads: a tally has one writer. The tables read it after that writer has finished with it
/// (a thread join, for example, makes its writes visible).
/// </para>
/// </remarks>
public sealed class WholeStreamTally
{
    private readonly PagedCounts[] _featureTarget;
    private readonly PagedCounts[] _pairs;
    private readonly (int A, int B)[] _pairFeatures;
    private readonly int _pairLevelCap;
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;

    internal WholeStreamTally(
        WindowedTables owner,
        PagedCounts[] featureTarget,
        PagedCounts[] pairs,
        (int A, int B)[] pairFeatures,
        int pairLevelCap)
    {
        Debug.Assert(pairs.Length == pairFeatures.Length, "one cell table per pair");

        Owner = owner;
        _featureTarget = featureTarget;
        _pairs = pairs;
        _pairFeatures = pairFeatures;
        _pairLevelCap = pairLevelCap;
    }

    /// <summary>Events counted.</summary>
    public long Events { get; private set; }

    /// <summary>The earliest event time counted, or null before the first event.</summary>
    public long? StartMs => Events == 0 ? null : _minTime;

    /// <summary>The latest event time counted, or null before the first event.</summary>
    public long? EndMs => Events == 0 ? null : _maxTime;

    internal WindowedTables Owner { get; }

    internal IReadOnlyList<PagedCounts> FeatureTarget => _featureTarget;

    internal IReadOnlyList<PagedCounts> Pairs => _pairs;

    internal IReadOnlyList<(int A, int B)> PairFeatures => _pairFeatures;

    /// <summary>
    /// Counts one event: the level of every feature, in the order of the tables' features, and the
    /// target's level. The levels must lie within the tables' capacities.
    /// </summary>
    public void Count(ReadOnlySpan<int> featureLevels, int targetLevel, long eventTimeMs)
    {
        var cells = _featureTarget;
        if (featureLevels.Length != cells.Length)
        {
            throw new ArgumentException(
                $"Expected {cells.Length} feature levels, got {featureLevels.Length}.",
                nameof(featureLevels));
        }

        Events++;
        if (eventTimeMs < _minTime)
        {
            _minTime = eventTimeMs;
        }

        if (eventTimeMs > _maxTime)
        {
            _maxTime = eventTimeMs;
        }

        for (var f = 0; f < cells.Length; f++)
        {
            cells[f].GetOrAdd(featureLevels[f], targetLevel)++;
        }

        var pairs = _pairFeatures;
        for (var p = 0; p < pairs.Length; p++)
        {
            var a = WindowedTables.FoldForPair(featureLevels[pairs[p].A], _pairLevelCap);
            var b = WindowedTables.FoldForPair(featureLevels[pairs[p].B], _pairLevelCap);
            _pairs[p].GetOrAdd(a, b)++;
        }
    }
}
