using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Counting;

/// <summary>
/// Many threads writing one table or margin at once: after they stop, every count is the exact
/// sum of what each thread did and every running sum equals its recount.
/// </summary>
public sealed class ConcurrentCountingTests
{
    private const int Threads = 4;
    private const int EventsPerThread = 250_000;

    [Fact]
    public void ContingencyTable_FourThreadsIncrementAndExpire_CountsAreSumsOfThreadsAndSumPhiEqualsRecount()
    {
        // 100 rows span two pages; a skewed choice of cells makes threads collide on hot cells,
        // and each thread expires only events it added itself, so no cell can go below zero while
        // many cells cross zero under contention.
        const int rows = 100;
        const int columns = 6;
        var table = ContingencyTable.CreateWithOwnMargins(rows, columns);
        var added = new long[Threads][];

        // Built without the flag, a table takes concurrent writers.
        Assert.True(table.ConcurrentWriters);

        Concurrently.Run(Threads, t =>
        {
            var rng = new Random(100 + t);
            var mine = added[t] = new long[rows * columns];
            for (var i = 0; i < EventsPerThread; i++)
            {
                var row = rng.Next(4) == 0 ? rng.Next(rows) : rng.Next(3);
                var column = rng.Next(columns);
                var cell = (row * columns) + column;
                if (mine[cell] > 0 && rng.Next(3) == 0)
                {
                    table.Subtract(row, column, 1);
                    mine[cell]--;
                }
                else
                {
                    table.Increment(row, column);
                    mine[cell]++;
                }
            }
        });

        var model = new CountModel();
        for (var cell = 0; cell < rows * columns; cell++)
        {
            model.Add(cell / columns, cell % columns, added.Sum(mine => mine[cell]));
        }

        TableAssert.Matches(model, table);
        Assert.Equal(table.Recount().SumPhi, table.SumPhi);
    }

    [Fact]
    public void ContingencyTable_ThreadsRaceOnFreshPages_NoIncrementIsLost()
    {
        // Each round starts a fresh table, so the threads race to publish the same columns and
        // pages; a lost compare-and-swap race would drop the loser's increments.
        const int rounds = 300;
        const int perThread = 500;
        for (var round = 0; round < rounds; round++)
        {
            var table = ContingencyTable.CreateWithOwnMargins(512, 8);
            Concurrently.Run(Threads, t =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    table.Increment((i * 61) % 512, i % 8);
                }
            });

            Assert.Equal(Threads * perThread, table.Total);
            Assert.Equal(Threads * perThread, table.Rows.Total);
            Assert.Equal(Threads, table.Count(0, 0));
            Assert.Equal(table.Recount(), (table.SumPhi, table.NonZeroCells));
        }
    }

    [Fact]
    public void Marginal_FourThreadsIncrementAndSubtract_CountsAreSumsOfThreadsAndSumPhiEqualsRecount()
    {
        const int levels = 10;
        var margin = new Marginal(levels);
        var added = new long[Threads][];

        Concurrently.Run(Threads, t =>
        {
            var rng = new Random(200 + t);
            var mine = added[t] = new long[levels];
            for (var i = 0; i < EventsPerThread; i++)
            {
                var level = rng.Next(levels);
                if (mine[level] > 0 && rng.Next(2) == 0)
                {
                    var amount = 1 + rng.Next((int)Math.Min(mine[level], 3));
                    margin.Subtract(level, amount);
                    mine[level] -= amount;
                }
                else
                {
                    margin.Increment(level);
                    mine[level]++;
                }
            }
        });

        var totals = new Dictionary<int, long>();
        for (var level = 0; level < levels; level++)
        {
            var total = added.Sum(mine => mine[level]);
            if (total != 0)
            {
                totals[level] = total;
            }
        }

        TableAssert.MarginMatches(totals, margin);
    }
}
