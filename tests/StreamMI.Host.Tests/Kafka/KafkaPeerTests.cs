using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using StreamMI.Host.Kafka;
using Xunit.Abstractions;

namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Produce and consume through a real Kafka protocol peer: whichever one
/// <see cref="KafkaPeerFixture"/> found, or, for the broker faults, a mock cluster of our own.
/// </summary>
/// <remarks>
/// Every wait is bounded and fails with what was seen so far; no assertion is about time.
/// The times printed are measurements for docs/kafka-peer.md, not expectations.
/// </remarks>
[Collection(KafkaPeerCollectionDefinition.Name)]
public sealed class KafkaPeerTests : IDisposable
{
    private const int Partitions = 4;

    private const int MessageCount = 20_000;

    /// <summary>librdkafka debug contexts for the test consumers, e.g. "cgrp,fetch".</summary>
    private const string DebugVariable = "STREAMMI_TEST_KAFKA_DEBUG";

    private static readonly TimeSpan _waitBound = TimeSpan.FromSeconds(15);

    private readonly KafkaPeerFixture _peer;

    private readonly ITestOutputHelper _output;

    private readonly ConcurrentQueue<string> _clientLog = new();

    public KafkaPeerTests(KafkaPeerFixture peer, ITestOutputHelper output)
    {
        _peer = peer;
        _output = output;
        _output.WriteLine(peer.Description);
    }

    [Fact]
    public void ProduceAndConsume_20000KeysOnFourPartitions_GroupReceivesEachKeyExactlyOnce()
    {
        string topic = KafkaPeerFixture.UniqueName("roundtrip");
        _peer.CreateTopic(topic, Partitions);
        using IConsumer<int, int> consumer = NewConsumer(_peer.BootstrapServers, "roundtrip");
        using var producer = new TrackedProducer(_peer.BootstrapServers, _clientLog);
        var tally = new KeyTally(MessageCount);

        var clock = Stopwatch.StartNew();
        consumer.Subscribe(topic);
        PollUntil(
            consumer,
            tally,
            () => consumer.Assignment.Count == Partitions,
            "a 4-partition assignment");
        TimeSpan join = clock.Elapsed;

        clock.Restart();
        producer.Produce(topic, 0, MessageCount);
        PollUntil(consumer, tally, () => tally.Distinct == MessageCount, "every key");
        TimeSpan transfer = clock.Elapsed;
        producer.Flush(_waitBound);

        // A repeat that arrives just after the last new key would still be caught here.
        PollFor([consumer], [tally], TimeSpan.FromMilliseconds(300));

        _output.WriteLine(
            $"group join {join.TotalMilliseconds:0} ms; {MessageCount} messages produced and "
            + $"consumed in {transfer.TotalMilliseconds:0} ms "
            + $"({MessageCount / transfer.TotalSeconds:0} msg/s)");
        Assert.Equal(0, producer.Failed);
        Assert.Equal(MessageCount, producer.Delivered);
        Assert.Equal(0, tally.Malformed);
        Assert.Equal(MessageCount, tally.Total);
        Assert.Equal(Enumerable.Range(0, MessageCount), tally.KeysSeen());
        Assert.All(
            Enumerable.Range(0, MessageCount),
            k => Assert.Equal(producer.PartitionOf(k), tally.PartitionOf(k)));
    }

    [Fact]
    public void TwoConsumersInOneGroup_FourPartitions_EachOwnsTwoAndReceivesExactlyTheirKeys()
    {
        string topic = KafkaPeerFixture.UniqueName("split");
        _peer.CreateTopic(topic, Partitions);
        string group = KafkaPeerFixture.UniqueName("split");
        using IConsumer<int, int> first = NewConsumer(_peer.BootstrapServers, "first", group);
        using IConsumer<int, int> second = NewConsumer(_peer.BootstrapServers, "second", group);
        using var producer = new TrackedProducer(_peer.BootstrapServers, _clientLog);
        var firstTally = new KeyTally(MessageCount);
        var secondTally = new KeyTally(MessageCount);

        var clock = Stopwatch.StartNew();
        first.Subscribe(topic);
        second.Subscribe(topic);
        PollUntil(
            [first, second],
            [firstTally, secondTally],
            () => first.Assignment.Count == 2 && second.Assignment.Count == 2,
            "two partitions for each consumer");
        TimeSpan join = clock.Elapsed;

        producer.Produce(topic, 0, MessageCount);
        producer.Flush(_waitBound);
        PollUntil(
            [first, second],
            [firstTally, secondTally],
            () => firstTally.Distinct + secondTally.Distinct == MessageCount,
            "every key across both consumers");

        // The range assignor gives each of two members two of four partitions; which
        // keys each consumer must see follows from the partitions the delivery reports name.
        int[] firstPartitions = PartitionsOf(first);
        int[] secondPartitions = PartitionsOf(second);
        int[] expectedFirst = Enumerable.Range(0, MessageCount)
            .Where(k => firstPartitions.Contains(producer.PartitionOf(k)))
            .ToArray();
        int[] expectedSecond = Enumerable.Range(0, MessageCount)
            .Where(k => secondPartitions.Contains(producer.PartitionOf(k)))
            .ToArray();
        _output.WriteLine(
            $"both members assigned after {join.TotalMilliseconds:0} ms: "
            + $"[{string.Join(",", firstPartitions)}] and [{string.Join(",", secondPartitions)}]; "
            + $"{firstTally.Total} and {secondTally.Total} messages");
        Assert.Equal(MessageCount, producer.Delivered);
        Assert.Equal([0, 1, 2, 3], firstPartitions.Concat(secondPartitions).Order());
        Assert.Equal(expectedFirst, firstTally.KeysSeen());
        Assert.Equal(expectedSecond, secondTally.KeysSeen());
        Assert.Equal(MessageCount, firstTally.Total + secondTally.Total);
    }

    [Fact]
    public void SecondConsumerJoinsMidStream_FourPartitions_NoKeyLostAndOnlyEarlierKeysRepeat()
    {
        string topic = KafkaPeerFixture.UniqueName("join");
        _peer.CreateTopic(topic, Partitions);
        string group = KafkaPeerFixture.UniqueName("join");
        using IConsumer<int, int> first = NewConsumer(_peer.BootstrapServers, "first", group);
        using var producer = new TrackedProducer(_peer.BootstrapServers, _clientLog);
        var firstTally = new KeyTally(MessageCount);
        var secondTally = new KeyTally(MessageCount);
        const int Half = MessageCount / 2;

        first.Subscribe(topic);
        PollUntil(
            first,
            firstTally,
            () => first.Assignment.Count == Partitions,
            "a 4-partition assignment");
        producer.Produce(topic, 0, Half);
        PollUntil(
            first,
            firstTally,
            () => firstTally.Distinct == Half,
            "the first half of the keys");

        var clock = Stopwatch.StartNew();
        using IConsumer<int, int> second = NewConsumer(_peer.BootstrapServers, "second", group);
        second.Subscribe(topic);
        PollUntil(
            [first, second],
            [firstTally, secondTally],
            () => first.Assignment.Count == 2 && second.Assignment.Count == 2,
            "the rebalance to two partitions each");
        TimeSpan rebalance = clock.Elapsed;

        producer.Produce(topic, Half, MessageCount - Half);
        producer.Flush(_waitBound);
        PollUntil(
            [first, second],
            [firstTally, secondTally],
            () => KeysSeenByEither(firstTally, secondTally).Length == MessageCount,
            "every key across both consumers");

        // Messages consumed before the rebalance whose offsets were not yet committed are
        // delivered again, once per move of their partition (one or, when a member rejoins
        // late, two). Keys produced after the group settled are fetched by their final owner
        // only, so they never repeat.
        int[] repeated = Enumerable.Range(0, MessageCount)
            .Where(k => firstTally.CountOf(k) + secondTally.CountOf(k) > 1)
            .ToArray();
        _output.WriteLine(
            $"rebalance took {rebalance.TotalMilliseconds:0} ms; "
            + $"{repeated.Length} of the {Half} keys consumed before it were delivered again");
        Assert.Equal(MessageCount, producer.Delivered);
        Assert.Equal(Enumerable.Range(0, MessageCount), KeysSeenByEither(firstTally, secondTally));
        Assert.All(repeated, k => Assert.InRange(k, 0, Half - 1));
    }

    [Fact]
    public void BrokerDownThenUp_MidStream_ConsumerGetsEveryKeyProducedBeforeDuringAndAfter()
    {
        // Taking a broker down needs a broker we control, so this test starts its own.
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        string topic = KafkaPeerFixture.UniqueName("outage");
        cluster.CreateTopic(topic, Partitions);
        using IConsumer<int, int> consumer = NewConsumer(cluster.BootstrapServers, "outage");
        using var producer = new TrackedProducer(cluster.BootstrapServers, _clientLog);
        var tally = new KeyTally(MessageCount);
        const int Half = MessageCount / 2;
        const int Quarter = MessageCount / 4;

        consumer.Subscribe(topic);
        PollUntil(
            consumer,
            tally,
            () => consumer.Assignment.Count == Partitions,
            "a 4-partition assignment");
        producer.Produce(topic, 0, Half);
        PollUntil(
            consumer,
            tally,
            () => tally.Distinct == Half,
            "the keys produced before the outage");

        // Down for 2 s, well inside the 6 s session: the consumer keeps its partitions and
        // its in-memory positions, and the producer buffers what is produced meanwhile.
        cluster.SetBrokerDown(1);
        producer.Produce(topic, Half, Quarter);
        PollFor([consumer], [tally], TimeSpan.FromSeconds(2));
        int receivedWhileDown = tally.Total - Half;
        cluster.SetBrokerUp(1);
        var clock = Stopwatch.StartNew();

        producer.Produce(topic, Half + Quarter, MessageCount - Half - Quarter);
        PollUntil(
            consumer,
            tally,
            () => tally.Distinct > Half,
            "the first key after the broker came back");
        TimeSpan resumed = clock.Elapsed;
        PollUntil(
            consumer,
            tally,
            () => tally.Distinct == MessageCount,
            "every key after the outage");
        producer.Flush(_waitBound);

        _output.WriteLine(
            $"{receivedWhileDown} messages arrived while the broker was down; the first "
            + $"after it came back arrived {resumed.TotalMilliseconds:0} ms later; "
            + $"{tally.Repeats} repeats");
        Assert.Equal(0, receivedWhileDown);
        Assert.Equal(0, producer.Failed);
        Assert.Equal(MessageCount, producer.Delivered);
        Assert.Equal(Enumerable.Range(0, MessageCount), tally.KeysSeen());
        Assert.True(tally.Total >= MessageCount, "at-least-once never delivers fewer");
    }

    [Fact]
    public void BrokerDownPastSessionTimeout_AfterACommit_RedeliversExactlyTheUncommittedKeys()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        string topic = KafkaPeerFixture.UniqueName("lost");
        cluster.CreateTopic(topic, Partitions);
        using var lost = new ManualResetEventSlim();
        using IConsumer<int, int> consumer = NewConsumer(
            cluster.BootstrapServers,
            "lost",
            configure: config =>
            {
                // Offsets are committed by hand, once, so the redelivered set is known.
                config.EnableAutoCommit = false;
                config.SessionTimeoutMs = 3_000;
                config.HeartbeatIntervalMs = 500;
            },
            onLost: lost.Set);
        using var producer = new TrackedProducer(cluster.BootstrapServers, _clientLog);
        var tally = new KeyTally(MessageCount);
        const int Committed = MessageCount / 2;
        const int Uncommitted = MessageCount / 4;

        consumer.Subscribe(topic);
        PollUntil(
            consumer,
            tally,
            () => consumer.Assignment.Count == Partitions,
            "a 4-partition assignment");
        producer.Produce(topic, 0, Committed);
        PollUntil(consumer, tally, () => tally.Distinct == Committed, "the keys to commit");
        consumer.Commit();
        producer.Produce(topic, Committed, Uncommitted);
        PollUntil(
            consumer,
            tally,
            () => tally.Distinct == Committed + Uncommitted,
            "the uncommitted keys");

        cluster.SetBrokerDown(1);
        PollUntil(consumer, tally, () => lost.IsSet, "the consumer to declare its partitions lost");

        // The mock checks sessions once a second; staying down a little longer makes sure it
        // has dropped the old member, so the consumer rejoins an empty group and is assigned
        // once. A stale member would cost a second rebalance and a third copy of some keys.
        PollFor([consumer], [tally], TimeSpan.FromSeconds(1.5));
        cluster.SetBrokerUp(1);
        producer.Produce(topic, Committed + Uncommitted, MessageCount - Committed - Uncommitted);
        PollUntil(
            consumer,
            tally,
            () => tally.Distinct == MessageCount,
            "every key after the rejoin");
        producer.Flush(_waitBound);
        PollFor([consumer], [tally], TimeSpan.FromMilliseconds(300));

        // The group resumes every partition at its committed offset, so exactly the keys
        // consumed after the commit come twice, and nothing is skipped.
        int[] expectedRepeats = Enumerable.Range(Committed, Uncommitted).ToArray();
        _output.WriteLine(
            $"{tally.Repeats} repeats after the session was lost; "
            + $"{Uncommitted} keys had been consumed but not committed");
        Assert.Equal(MessageCount, producer.Delivered);
        Assert.Equal(Enumerable.Range(0, MessageCount), tally.KeysSeen());
        Assert.Equal(expectedRepeats, tally.KeysRepeated());
        Assert.Equal(MessageCount + Uncommitted, tally.Total);
    }

    public void Dispose()
    {
        // The clients' own log lines, for a failing run: the last few are usually the story,
        // unless librdkafka debug contexts were asked for.
        string[] lines = _clientLog.ToArray();
        int shown = Environment.GetEnvironmentVariable(DebugVariable) is null ? 8 : lines.Length;
        shown = Math.Min(shown, lines.Length);
        _output.WriteLine($"{lines.Length} client log line(s); the last {shown}:");
        foreach (string line in lines.TakeLast(shown))
        {
            _output.WriteLine(line);
        }
    }

    private static int[] PartitionsOf(IConsumer<int, int> consumer)
    {
        return consumer.Assignment.Select(tp => tp.Partition.Value).Order().ToArray();
    }

    private static int[] KeysSeenByEither(KeyTally first, KeyTally second)
    {
        return Enumerable.Range(0, MessageCount)
            .Where(k => first.CountOf(k) + second.CountOf(k) > 0)
            .ToArray();
    }

    private IConsumer<int, int> NewConsumer(
        string bootstrapServers,
        string name,
        string? group = null,
        Action<ConsumerConfig>? configure = null,
        Action? onLost = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group ?? KafkaPeerFixture.UniqueName(name),
            ClientId = name,

            // A new group or a moved partition without a commit starts at the beginning:
            // with "latest" a rebalance silently skips what was produced before it.
            AutoOffsetReset = AutoOffsetReset.Earliest,

            // The mock cluster holds a rebalance for session.timeout.ms minus 1 s when a
            // member joins a running group; 6 s is also the smallest a real broker accepts.
            SessionTimeoutMs = 6_000,
            HeartbeatIntervalMs = 1_000,
        };
        configure?.Invoke(config);

        // For example "cgrp" traces every step of the group protocol into the client log.
        config.Debug = Environment.GetEnvironmentVariable(DebugVariable);

        return new ConsumerBuilder<int, int>(config)
            .SetLogHandler((_, m) =>
                _clientLog.Enqueue($"{name} {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => _clientLog.Enqueue($"{name} error {e.Code}: {e.Reason}"))
            .SetPartitionsLostHandler((_, partitions) =>
            {
                _clientLog.Enqueue($"{name} lost {partitions.Count} partition(s)");
                onLost?.Invoke();
            })
            .Build();
    }

    /// <summary>
    /// Polls every consumer in turn, tallying what arrives, until <paramref name="done"/>
    /// holds; fails with the counts seen so far when <see cref="_waitBound"/> passes first.
    /// </summary>
    private void PollUntil(
        IConsumer<int, int>[] consumers,
        KeyTally[] tallies,
        Func<bool> done,
        string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > _waitBound)
            {
                string counts = string.Join(
                    "; ",
                    tallies.Select((t, i) =>
                        $"consumer {i}: {t.Distinct} keys, {t.Total} messages"));
                string log = string.Join(" | ", _clientLog.TakeLast(5));
                Assert.Fail(
                    $"Waited {_waitBound.TotalSeconds:0} s for {what} on {_peer.Kind} "
                    + $"peer, in vain. {counts}. Last client log: {log}");
            }

            PollOnce(consumers, tallies, TimeSpan.FromMilliseconds(50));
        }
    }

    private void PollUntil(
        IConsumer<int, int> consumer,
        KeyTally tally,
        Func<bool> done,
        string what)
    {
        PollUntil([consumer], [tally], done, what);
    }

    /// <summary>Polls for a fixed time, tallying what arrives.</summary>
    private static void PollFor(IConsumer<int, int>[] consumers, KeyTally[] tallies, TimeSpan span)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < span)
        {
            PollOnce(consumers, tallies, TimeSpan.FromMilliseconds(50));
        }
    }

    private static void PollOnce(
        IConsumer<int, int>[] consumers,
        KeyTally[] tallies,
        TimeSpan timeout)
    {
        for (int i = 0; i < consumers.Length; i++)
        {
            // Drain what is already fetched before handing the turn to the next consumer.
            ConsumeResult<int, int>? result = consumers[i].Consume(timeout);
            while (result is not null)
            {
                if (!result.IsPartitionEOF)
                {
                    tallies[i].Add(
                        result.Message.Key,
                        result.Message.Value,
                        result.Partition.Value);
                }

                result = consumers[i].Consume(TimeSpan.Zero);
            }
        }
    }
}
