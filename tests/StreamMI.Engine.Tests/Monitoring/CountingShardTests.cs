using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Monitoring;

/// <summary>
/// Per-thread counting shards of a whole-stream engine, fed the way a parallel scan feeds them:
/// the warm-up on one thread, then each thread into its own shard, merged at the end.
/// </summary>
public sealed class CountingShardTests
{
    private const int Threads = 3;
    private const int WarmUp = 1_000;
    private const int PairLevelCap = 64;
    private const int Label = 4;

    [Fact]
    public void Merge_ShardsOfThreeThreads_EveryCellMarginAndSumEqualsBruteForceRecount()
    {
        var events = Events(60_000, new Random(17));
        var engine = new MonitorEngine(Schema(redundancyTopK: 3), drift: null, partitionState: false);
        var next = WarmUpOnOneThread(engine, events);

        var shards = CountInShards(engine, events, next);
        foreach (var shard in shards)
        {
            engine.Merge(shard);
        }

        // The independent recount: each event's level worked out here from its raw values (the
        // categorical level numbers are the engine's to choose, so they are read off its names).
        var names = Enumerable.Range(0, Label + 1).Select(f => LevelsByName(engine, f)).ToArray();
        var edges = engine.Snapshot().Features.Single(r => r.Feature == "amount").Edges!;
        var counted = events.Where(e => e.Label is not null && e.Problem is null).ToList();
        var levels = counted.Select(e => new[]
        {
            names[0][e.City],
            Bin(e.Amount, edges),
            BooleanLevels.Encode(e.Mobile),
            e.Colour is null ? Levels.Missing : names[3][e.Colour],
        }).ToList();
        var targets = counted.Select(e => names[Label][e.Label!]).ToList();

        Assert.Equal(counted.Count, engine.Counted);
        Assert.Equal(counted.Count, engine.Tables.Events);
        for (var f = 0; f < Label; f++)
        {
            var model = CountModel.From(levels.Select((l, i) => (l[f], targets[i])));
            TableAssert.Matches(model, engine.Tables.FeatureTarget[f]);
            TableAssert.MarginMatches(model.RowTotals(), engine.Tables.Features[f]);
        }

        TableAssert.MarginMatches(
            CountModel.From(targets.Select(t => (t, t))).RowTotals(), engine.Tables.Target);

        // The pairs were chosen from the warm-up; the city has more levels than the fold keeps.
        var pairs = engine.Tables.PairTables();
        Assert.Equal(3, pairs.Count);
        Assert.Contains(pairs, p => p.A == 0 || p.B == 0);
        Assert.True(names[0].Count > 2 * PairLevelCap);
        foreach (var (a, b, table) in pairs)
        {
            var model = CountModel.From(levels.Select(l => (Fold(l[a]), Fold(l[b]))));
            TableAssert.Matches(model, table);
        }

        Assert.Equal(events.Min(e => e.TimeMs), engine.Tables.StartMs);
        Assert.Equal(events.Max(e => e.TimeMs), engine.Tables.EndMs);
    }

    [Fact]
    public void Merge_ShardsOfThreeThreads_SkippedReasonsAreSummedAcrossShardsAndWarmUp()
    {
        var events = Events(30_000, new Random(18));
        var engine = new MonitorEngine(Schema(redundancyTopK: 0), drift: null, partitionState: false);
        var next = WarmUpOnOneThread(engine, events);

        var shards = CountInShards(engine, events, next);
        var before = SkipReasons.All.ToDictionary(r => r, engine.Skipped);
        foreach (var shard in shards)
        {
            engine.Merge(shard);
        }

        foreach (var reason in SkipReasons.All)
        {
            Assert.Equal(before[reason] + shards.Sum(s => s.Skipped(reason)), engine.Skipped(reason));
        }

        Assert.Equal(events.Count(e => e.Label is null && e.Problem is null), engine.Skipped(SkipReason.MissingTarget));
        Assert.Equal(events.Count(e => e.Problem == SkipReason.WrongType), engine.Skipped(SkipReason.WrongType));
        Assert.Equal(events.Count(e => e.Problem == SkipReason.MalformedJson), engine.Skipped(SkipReason.MalformedJson));
        Assert.All(shards, s => Assert.True(s.Skipped(SkipReason.MissingTarget) > 0));
        Assert.Equal(shards.Sum(s => s.Counted) + (long)events.Take(next).Count(Countable), engine.Counted);
    }

    [Fact]
    public void Merge_Shards_GiveTheSameEstimatesAsOneThreadCountingEverything()
    {
        var events = Events(40_000, new Random(19));
        var single = new MonitorEngine(Schema(redundancyTopK: 3), drift: null, partitionState: false);
        var record = single.CreateRecord();
        foreach (var e in events)
        {
            Apply(single, record, e);
        }

        var sharded = new MonitorEngine(Schema(redundancyTopK: 3), drift: null, partitionState: false);
        var next = WarmUpOnOneThread(sharded, events);
        foreach (var shard in CountInShards(sharded, events, next))
        {
            sharded.Merge(shard);
        }

        var expected = single.Snapshot();
        var actual = sharded.Snapshot();
        Assert.Equal(expected.Counted, actual.Counted);
        Assert.Equal(expected.Skipped, actual.Skipped);
        foreach (var report in actual.Features)
        {
            var mine = expected.Features.Single(r => r.Feature == report.Feature);
            Assert.Equal(mine.LiveMutualInformationNats, report.LiveMutualInformationNats, 1e-12);
            Assert.Equal(mine.Estimate.MutualInformationNats, report.Estimate.MutualInformationNats, 1e-12);
        }

        Assert.Equal(
            expected.Pairs.Select(p => (p.FeatureA, p.FeatureB, p.Events)).Order(),
            actual.Pairs.Select(p => (p.FeatureA, p.FeatureB, p.Events)).Order());
    }

    [Fact]
    public void Merge_ShardsPastTheWindowLimit_HoldAtMostTheLimitAndSkipTheRestAsWindowFull()
    {
        const long limit = 20_000;
        var events = Events(60_000, new Random(22));
        var engine = new MonitorEngine(
            Schema(redundancyTopK: 3), drift: null, concurrentApply: false, partitionState: false, limit);
        var next = WarmUpOnOneThread(engine, events);

        var shards = CountInShards(engine, events, next);
        foreach (var shard in shards)
        {
            engine.Merge(shard);
        }

        // A shard may find the window full while another still holds room that its remaining
        // events do not use up, so the threads may count a little less than one thread; never more.
        var countable = events.Count(Countable);
        Assert.InRange(engine.Counted, limit - (limit / 16), limit);
        Assert.Equal(countable, engine.Counted + engine.Skipped(SkipReason.WindowFull));
        Assert.Equal(engine.Counted, engine.Tables.Events);
        Assert.All(
            engine.Tables.FeatureTarget.Concat(engine.Tables.Pairs),
            t => Assert.Equal(t.Recount(), (t.SumPhi, t.NonZeroCells)));
    }

    [Fact]
    public void Apply_ShardsTakingTurns_CountExactlyUpToTheLimitLikeOneThread()
    {
        const long limit = 5_000;
        var events = Events(12_000, new Random(23));
        var single = new MonitorEngine(
            Schema(redundancyTopK: 0), drift: null, concurrentApply: false, partitionState: false, limit);
        var record = single.CreateRecord();
        foreach (var e in events)
        {
            Apply(single, record, e);
        }

        var sharded = new MonitorEngine(
            Schema(redundancyTopK: 0), drift: null, concurrentApply: false, partitionState: false, limit);
        var next = WarmUpOnOneThread(sharded, events);
        var shards = Enumerable.Range(0, Threads).Select(_ => sharded.CreateShard()).ToList();
        var mine = sharded.CreateRecord();
        for (var i = next; i < events.Count; i++)
        {
            var shard = shards[(i / 100) % Threads];
            if (events[i].Problem == SkipReason.MalformedJson)
            {
                shard.CountSkipped(SkipReason.MalformedJson);
                continue;
            }

            Fill(mine, events[i]);
            shard.Apply(mine);
        }

        shards.ForEach(sharded.Merge);

        // Every shard takes more events after the window is full, so each uses up the room it
        // holds and the counts split as one thread's do (not the same events, the same numbers).
        Assert.Equal(limit, single.Counted);
        Assert.Equal(single.Counted, sharded.Counted);
        Assert.Equal(single.Skipped(SkipReason.WindowFull), sharded.Skipped(SkipReason.WindowFull));
        Assert.Equal(limit, sharded.Tables.Events);
    }

    [Fact]
    public void CreateShard_WhileWarmingUp_Throws()
    {
        var engine = new MonitorEngine(Schema(redundancyTopK: 0), drift: null, partitionState: false);

        Assert.True(engine.IsWarmingUp);
        Assert.Throws<InvalidOperationException>(engine.CreateShard);
    }

    [Fact]
    public void CreateShard_EngineKeepingPartitionPanes_Throws()
    {
        var engine = new MonitorEngine(Schema(redundancyTopK: 0));
        engine.CompleteWarmUp();

        Assert.Throws<InvalidOperationException>(engine.CreateShard);
    }

    [Fact]
    public void Merge_SameShardTwiceOrAnotherEnginesShard_ThrowsAndCountsNothingMore()
    {
        var events = Events(3_000, new Random(20));
        var engine = new MonitorEngine(Schema(redundancyTopK: 0), drift: null, partitionState: false);
        var other = new MonitorEngine(Schema(redundancyTopK: 0), drift: null, partitionState: false);
        var next = WarmUpOnOneThread(engine, events);
        other.CompleteWarmUp();
        var shard = engine.CreateShard();
        var record = engine.CreateRecord();
        foreach (var e in events.Skip(next))
        {
            Fill(record, e);
            shard.Apply(record);
        }

        Assert.Throws<ArgumentException>(() => other.Merge(shard));
        engine.Merge(shard);
        var counted = engine.Counted;

        Assert.True(shard.IsMerged);
        Assert.Throws<InvalidOperationException>(() => engine.Merge(shard));
        Assert.Throws<InvalidOperationException>(() => shard.Apply(record));
        Assert.Equal(counted, engine.Counted);
        Assert.Equal(counted, engine.Tables.Events);
    }

    [Fact]
    public void Merge_EmptyShard_ChangesNothing()
    {
        var events = Events(2_000, new Random(21));
        var engine = new MonitorEngine(Schema(redundancyTopK: 0), drift: null, partitionState: false);
        WarmUpOnOneThread(engine, events);
        var sums = engine.Tables.FeatureTarget.Select(t => (t.SumPhi, t.NonZeroCells)).ToList();
        var span = (engine.Tables.StartMs, engine.Tables.EndMs);

        engine.Merge(engine.CreateShard());

        Assert.Equal(sums, engine.Tables.FeatureTarget.Select(t => (t.SumPhi, t.NonZeroCells)));
        Assert.Equal(span, (engine.Tables.StartMs, engine.Tables.EndMs));
    }

    private static MonitorSchema Schema(int redundancyTopK) => new(
        "shards",
        [
            new FeatureSpec("city", FeatureKind.Categorical),
            new FeatureSpec("amount", FeatureKind.Numeric) { Bins = 5 },
            new FeatureSpec("mobile", FeatureKind.Boolean),
            new FeatureSpec("colour", FeatureKind.Categorical),
        ],
        new FeatureSpec("label", FeatureKind.Categorical),
        WindowSpec.WholeStream) { WarmUpEvents = WarmUp, RedundancyTopK = redundancyTopK };

    // Applies events on this thread until the warm-up ends; returns the first event not applied.
    private static int WarmUpOnOneThread(MonitorEngine engine, List<Sample> events)
    {
        var record = engine.CreateRecord();
        var next = 0;
        while (engine.IsWarmingUp)
        {
            Apply(engine, record, events[next++]);
        }

        return next;
    }

    // Counts events[start..] on three threads, each into its own shard, interleaved by index.
    private static List<CountingShard> CountInShards(MonitorEngine engine, List<Sample> events, int start)
    {
        var shards = Enumerable.Range(0, Threads).Select(_ => engine.CreateShard()).ToList();
        Concurrently.Run(Threads, t =>
        {
            var shard = shards[t];
            var mine = engine.CreateRecord();
            for (var i = start + t; i < events.Count; i += Threads)
            {
                var e = events[i];
                if (e.Problem == SkipReason.MalformedJson)
                {
                    // A line the decoder could not read never reaches a record.
                    shard.CountSkipped(SkipReason.MalformedJson);
                    continue;
                }

                Fill(mine, e);
                shard.Apply(mine);
            }
        });
        return shards;
    }

    private static void Apply(MonitorEngine engine, EventRecord record, Sample e)
    {
        if (e.Problem == SkipReason.MalformedJson)
        {
            engine.CountSkipped(SkipReason.MalformedJson);
            return;
        }

        Fill(record, e);
        engine.Apply(record);
    }

    private static bool Countable(Sample e) => e.Problem is null && e.Label is not null;

    private static List<Sample> Events(int n, Random rng) =>
        [.. Enumerable.Range(0, n).Select(i =>
        {
            var label = rng.Next(4);
            var city = rng.Next(2) == 0 ? label * 10 + rng.Next(10) : rng.Next(300);
            var amount = Math.Round(label + (2 * rng.NextDouble()), 3);
            var colour = rng.Next(10) == 0 ? null : $"colour{(label + rng.Next(2)) % 5}";
            SkipReason? problem = rng.Next(50) switch
            {
                0 => SkipReason.WrongType,
                1 => SkipReason.MalformedJson,
                _ => null,
            };
            return new Sample(
                $"city{city}",
                amount,
                rng.Next(4) == 0,
                colour,
                rng.Next(40) == 0 ? null : $"c{label}",
                1_700_000_000_000 + rng.Next(1_000_000_000),
                problem);
        })];

    private static void Fill(EventRecord record, Sample e)
    {
        record.Reset();
        record.EventTimeMs = e.TimeMs;
        record.SetText(0, Encoding.UTF8.GetBytes(e.City));
        var amount = e.Problem == SkipReason.WrongType ? "not a number" : e.Amount.ToString(CultureInfo.InvariantCulture);
        record.SetText(1, Encoding.UTF8.GetBytes(amount));
        record.SetBoolean(2, e.Mobile);
        if (e.Colour is { } colour)
        {
            record.SetText(3, Encoding.UTF8.GetBytes(colour));
        }
        else
        {
            record.SetMissing(3);
        }

        if (e.Label is { } label)
        {
            record.SetText(Label, Encoding.UTF8.GetBytes(label));
        }
    }

    // The engine's level of every exact categorical value it has named.
    private static Dictionary<string, int> LevelsByName(MonitorEngine engine, int field)
    {
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        var capacity = field == Label ? engine.Tables.Target.Levels : engine.Tables.Features[field].Levels;
        for (var level = 1; level < capacity; level++)
        {
            var name = engine.LevelName(field, level);
            if (!name.StartsWith('('))
            {
                levels.Add(name, level);
            }
        }

        return levels;
    }

    // Level 0 is missing; a value's bin is one more than the interior edges at or below it.
    private static int Bin(double value, IReadOnlyList<double> edges) => 1 + edges.Count(edge => edge <= value);

    private static int Fold(int level) =>
        level < 2 * PairLevelCap ? level : PairLevelCap + (level % PairLevelCap);

    private sealed record Sample(
        string City,
        double Amount,
        bool Mobile,
        string? Colour,
        string? Label,
        long TimeMs,
        SkipReason? Problem);
}
