using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Discretisation;

public sealed class CategoricalEncoderTests
{
    [Fact]
    public void Encode_DistinctValues_GetLevelsFromOneInFirstSeenOrder()
    {
        var encoder = new CategoricalEncoder();

        Assert.Equal(1, encoder.Encode("red"u8));
        Assert.Equal(2, encoder.Encode("green"u8));
        Assert.Equal(1, encoder.Encode("red"u8));
        Assert.Equal(3, encoder.Encode("blue"u8));
        Assert.Equal(2, encoder.Encode("green"u8));

        Assert.Equal(3, encoder.ExactLevels);
        Assert.False(encoder.IsCapped);
        Assert.Equal(["red", "green", "blue"], encoder.ExactValues());
        Assert.Equal("green", encoder.LevelName(2));
    }

    [Fact]
    public void Encode_ValuesDifferingOnlyInCaseOrBytes_AreDifferentLevels()
    {
        var encoder = new CategoricalEncoder();

        var levels = new[] { "a"u8.ToArray(), "A"u8.ToArray(), "a "u8.ToArray(), "é"u8.ToArray() }
            .Select(v => encoder.Encode(v))
            .ToList();

        Assert.Equal([1, 2, 3, 4], levels);
        Assert.Equal("é", encoder.LevelName(4));
    }

    [Fact]
    public void LevelName_MissingLevel_IsLevelZeroName()
    {
        var encoder = new CategoricalEncoder();
        encoder.Encode("x"u8);

        Assert.Equal(0, Levels.Missing);
        Assert.Equal("(missing)", encoder.LevelName(Levels.Missing));
    }

    [Fact]
    public void Encode_BeyondCap_SendsValuesToHashedBucketsAboveExactLevels()
    {
        var encoder = new CategoricalEncoder(exactLevelCap: 3, tailBuckets: 8, hashSeed: 42);

        var exact = new[] { "a", "b", "c" }.Select(v => Encode(encoder, v)).ToList();
        Assert.False(encoder.IsCapped);
        var tail = Enumerable.Range(0, 200).Select(i => Encode(encoder, $"v{i}")).ToList();

        Assert.Equal([1, 2, 3], exact);
        Assert.True(encoder.IsCapped);
        Assert.Equal(12, encoder.Capacity);
        Assert.Equal(3, encoder.ExactLevels);
        Assert.All(tail, level => Assert.InRange(level, 4, 11));
        Assert.Equal(8, tail.Distinct().Count());
        Assert.Equal(tail[17], encoder.Encode("v17"u8));
        Assert.Equal(1, encoder.Encode("a"u8));
        Assert.StartsWith("(hashed bucket ", encoder.LevelName(tail[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_SameSeedInAnotherEncoder_PutsTailValueInSameBucket()
    {
        // The two encoders gave their exact levels to different values: buckets depend only on the
        // value and the seed, so a reference window and a current one agree.
        var first = new CategoricalEncoder(exactLevelCap: 2, tailBuckets: 64, hashSeed: 7);
        var second = new CategoricalEncoder(exactLevelCap: 2, tailBuckets: 64, hashSeed: 7);
        first.Encode("p"u8);
        first.Encode("q"u8);
        second.Encode("x"u8);
        second.Encode("y"u8);

        for (var i = 0; i < 500; i++)
        {
            var value = Encoding.UTF8.GetBytes($"user-{i}");
            Assert.Equal(first.Encode(value), second.Encode(value));
        }
    }

    [Fact]
    public void Encode_AnotherSeed_MovesMostTailValuesToOtherBuckets()
    {
        var seven = new CategoricalEncoder(exactLevelCap: 1, tailBuckets: 64, hashSeed: 7);
        var eight = new CategoricalEncoder(exactLevelCap: 1, tailBuckets: 64, hashSeed: 8);
        seven.Encode("first"u8);
        eight.Encode("first"u8);

        var moved = Enumerable.Range(0, 1000)
            .Select(i => Encoding.UTF8.GetBytes($"user-{i}"))
            .Count(v => seven.Encode(v) != eight.Encode(v));

        // Independent hashes agree on a bucket with probability 1/64: about 984 of 1000 move.
        Assert.InRange(moved, 950, 1000);
    }

    [Fact]
    public void Constructor_NonPositiveSizes_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalEncoder(exactLevelCap: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalEncoder(tailBuckets: 0));
    }

    [Fact]
    public void Encode_FourThreadsSameValuesInDifferentOrders_EachValueGetsOneLevel()
    {
        const int threads = 4;
        const int values = 3000;
        var encoder = new CategoricalEncoder(exactLevelCap: 10_000);
        var seen = new int[threads][];

        Concurrently.Run(threads, t =>
        {
            var order = Enumerable.Range(0, values).ToArray();
            new Random(t).Shuffle(order);
            seen[t] = new int[values];
            foreach (var v in order)
            {
                seen[t][v] = encoder.Encode(Encoding.UTF8.GetBytes($"value-{v}"));
            }
        });

        for (var v = 0; v < values; v++)
        {
            Assert.All(seen, levels => Assert.Equal(seen[0][v], levels[v]));
            Assert.Equal($"value-{v}", encoder.LevelName(seen[0][v]));
        }

        Assert.Equal(Enumerable.Range(1, values), seen[0].Order());
        Assert.Equal(values, encoder.ExactLevels);
    }

    [Fact]
    public void Encode_ThreadsRaceWhileCapFills_EachValueGetsOneLevel()
    {
        // A value that wins the last exact level while another thread is looking it up must not
        // reach that thread as a hashed bucket. The same four threads run many short rounds, each
        // on a fresh encoder, so the cap fills under contention again and again.
        const int threads = 4;
        const int rounds = 1000;
        const int values = 64;
        const int cap = 32;
        var encoders = Enumerable.Range(0, rounds)
            .Select(r => new CategoricalEncoder(cap, tailBuckets: 16, hashSeed: (ulong)r))
            .ToArray();
        var names = Enumerable.Range(0, values)
            .Select(v => Encoding.UTF8.GetBytes($"value-{v}"))
            .ToArray();
        var seen = new int[rounds, threads, values];
        using var nextRound = new Barrier(threads);

        Concurrently.Run(threads, t =>
        {
            for (var round = 0; round < rounds; round++)
            {
                nextRound.SignalAndWait();
                for (var i = 0; i < values; i++)
                {
                    // Odd strides visit every value, each thread in another order.
                    var v = (i * ((2 * t) + 1) * 5) % values;
                    seen[round, t, v] = encoders[round].Encode(names[v]);
                }
            }
        });

        for (var round = 0; round < rounds; round++)
        {
            for (var v = 0; v < values; v++)
            {
                var level = encoders[round].Encode(names[v]);
                for (var t = 0; t < threads; t++)
                {
                    Assert.Equal(level, seen[round, t, v]);
                }
            }

            Assert.Equal(cap, encoders[round].ExactLevels);
        }
    }

    private static int Encode(CategoricalEncoder encoder, string value) =>
        encoder.Encode(Encoding.UTF8.GetBytes(value));
}
