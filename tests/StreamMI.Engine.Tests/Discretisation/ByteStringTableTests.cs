using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Discretisation;

public sealed class ByteStringTableTests
{
    [Fact]
    public void TryGetValue_TenThousandKeysAddedThroughSeveralGrowths_FindsEachAndNoOther()
    {
        var table = new ByteStringTable();
        var keys = Enumerable.Range(0, 10_000).Select(i => Encoding.UTF8.GetBytes($"value-{i * 7919}")).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            table.Add(keys[i], i + 1);
        }

        Assert.Equal(keys.Count, table.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.True(table.TryGetValue(keys[i], out var value));
            Assert.Equal(i + 1, value);
        }

        Assert.False(table.TryGetValue("value-1"u8, out _));
        Assert.False(table.TryGetValue([], out _));
    }

    [Fact]
    public void TryGetValue_KeysThatArePrefixesOrDifferInOneByte_AreToldApart()
    {
        // Lengths around the 8-byte words of the hash, a trailing zero byte and the empty key.
        byte[][] keys =
        [
            [], [0], [0, 0], "a"u8.ToArray(), [.. "a"u8, 0], "abcdefg"u8.ToArray(),
            "abcdefgh"u8.ToArray(), "abcdefghi"u8.ToArray(), "abcdefgi"u8.ToArray(),
            "bbcdefgh"u8.ToArray(), "abcdefghabcdefgh"u8.ToArray(), "é"u8.ToArray(),
        ];
        var table = new ByteStringTable();
        for (var i = 0; i < keys.Length; i++)
        {
            table.Add(keys[i], i);
        }

        var found = keys.Select(k => table.TryGetValue(k, out var v) ? v : -1);

        Assert.Equal(Enumerable.Range(0, keys.Length), found);
    }

    [Fact]
    public void TryGetValue_ReadersRunningWhileOneWriterAddsAndGrows_SeeEachKeyMissingOrWithItsValue()
    {
        const int keys = 50_000;
        var table = new ByteStringTable();
        var wrong = 0L;

        Concurrently.Run(4, t =>
        {
            if (t == 0)
            {
                for (var i = 0; i < keys; i++)
                {
                    table.Add(Encoding.UTF8.GetBytes($"k{i}"), i);
                }

                return;
            }

            var rng = new Random(t);
            while (table.Count < keys)
            {
                var i = rng.Next(keys);
                if (table.TryGetValue(Encoding.UTF8.GetBytes($"k{i}"), out var value) && value != i)
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.Equal(0, wrong);
        Assert.All(
            Enumerable.Range(0, keys),
            i => Assert.True(table.TryGetValue(Encoding.UTF8.GetBytes($"k{i}"), out var v) && v == i));
    }
}
