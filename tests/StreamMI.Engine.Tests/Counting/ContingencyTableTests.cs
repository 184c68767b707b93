using CsCheck;
using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Counting;

public sealed class ContingencyTableTests
{
    [Fact]
    public void MutualInformationNats_EmptyTable_IsZero()
    {
        var table = ContingencyTable.CreateWithOwnMargins(3, 3);

        Assert.Equal(0, table.MutualInformationNats());
        Assert.Equal(0, table.Total);
        Assert.Equal(0, table.NonZeroCells);
    }

    [Fact]
    public void MutualInformationNats_PublishedSixEventExample_Is0Point462098()
    {
        // Labels [1,1,2,2,3,3] against [1,1,1,2,2,2]: scikit-learn's mutual_info_score gives
        // 0.462098 nats.
        int[] truth = [1, 1, 2, 2, 3, 3];
        int[] predicted = [1, 1, 1, 2, 2, 2];
        var table = ContingencyTable.CreateWithOwnMargins(4, 3);

        for (var i = 0; i < truth.Length; i++)
        {
            table.Increment(truth[i], predicted[i]);
        }

        Assert.Equal(0.462098, table.MutualInformationNats(), 6);
        Assert.Equal(0.462098, PlugIn.EstimatedNats(table), 6);
    }

    [Fact]
    public void MutualInformationNats_IdenticalUniformVariables_IsLogOfLevels()
    {
        var table = ContingencyTable.CreateWithOwnMargins(8, 8);

        for (var i = 0; i < 8 * 1000; i++)
        {
            table.Increment(i % 8, i % 8);
        }

        Assert.Equal(Math.Log(8), table.MutualInformationNats(), 12);
    }

    [Fact]
    public void MutualInformationNats_ProductTable_IsZero()
    {
        // Every cell has the same count: X and Y are exactly independent in the sample.
        var table = ContingencyTable.CreateWithOwnMargins(5, 3);

        for (var r = 0; r < 5; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var k = 0; k < 7; k++)
                {
                    table.Increment(r, c);
                }
            }
        }

        Assert.InRange(table.MutualInformationNats(), 0, 1e-12);
    }

    [Fact]
    public void Increment_SharedMargins_TableLeavesMarginsToTheirOwner()
    {
        var rows = new Marginal(4);
        var columns = new Marginal(2);
        var table = new ContingencyTable(rows, columns);

        table.Increment(3, 1);

        Assert.Equal(1, table.Count(3, 1));
        Assert.Equal(0, rows.Total);
        Assert.Equal(0, columns.Total);
    }

    [Fact]
    public void Subtract_WholeCell_RemovesItFromNonZeroCells()
    {
        var table = ContingencyTable.CreateWithOwnMargins(2, 2);
        table.Increment(0, 0);
        table.Increment(0, 0);
        table.Increment(1, 1);

        table.Subtract(0, 0, 2);

        Assert.Equal(1, table.NonZeroCells);
        Assert.Equal(0, table.Count(0, 0));
        Assert.Equal(1, table.Rows.NonZeroLevels);
        Assert.Equal(1, table.Total);
        Assert.Equal(0, table.SumPhi);
    }

    [Fact]
    public void Subtract_ZeroAmountFromEmptyCell_LeavesNonZeroCountsUnchanged()
    {
        var table = ContingencyTable.CreateWithOwnMargins(2, 2);
        table.Increment(1, 1);

        table.Subtract(0, 0, 0);

        Assert.Equal(1, table.NonZeroCells);
        Assert.Equal(1, table.Rows.NonZeroLevels);
        Assert.Equal(1, table.Columns.NonZeroLevels);
        Assert.Equal(table.Recount(), (table.SumPhi, table.NonZeroCells));
    }

    [Fact]
    public void Snapshot_SparseLevels_KeepsOnlyNonZeroRowsAndColumnsInOrder()
    {
        var table = ContingencyTable.CreateWithOwnMargins(100, 10);
        table.Increment(70, 9);
        table.Increment(70, 9);
        table.Increment(3, 2);
        table.Increment(3, 9);

        table.Snapshot(out var rowLevels, out var columnLevels);

        Assert.Equal([3, 70], rowLevels);
        Assert.Equal([2, 9], columnLevels);
    }

    [Fact]
    public void Property_RandomIncrementsAndExpiries_EqualBruteForceRecountAfterEveryStep()
    {
        // 70 rows cross a page boundary of the paged cell storage.
        var steps = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 10_000], Gen.Int[0, 10_000]).Array[1, 300];
        Gen.Select(Gen.Int[1, 70], Gen.Int[1, 5], steps).Sample((rows, columns, ops) =>
        {
            var table = ContingencyTable.CreateWithOwnMargins(rows, columns);
            var model = new CountModel();

            foreach (var (kind, a, b) in ops)
            {
                if (kind < 6 || model.Cells.Count == 0)
                {
                    table.Increment(a % rows, b % columns);
                    model.Add(a % rows, b % columns);
                }
                else
                {
                    // Expire part or all of a non-zero cell, as a pane's expiry does.
                    var ((row, column), count) = model.Cells.ElementAt(a % model.Cells.Count);
                    var amount = 1 + (int)(b % count);
                    table.Subtract(row, column, amount);
                    model.Add(row, column, -amount);
                }

                TableAssert.Matches(model, table);
            }
        }, iter: 150);
    }

    [Fact]
    public void AllocatedBytes_TouchingCellsInOnePage_GrowsOnce()
    {
        var table = ContingencyTable.CreateWithOwnMargins(1000, 4);
        var empty = table.AllocatedBytes();

        table.Increment(0, 0);
        var onePage = table.AllocatedBytes();
        for (var row = 1; row < PagedCounts.PageSize; row++)
        {
            table.Increment(row, 0);
        }

        Assert.True(onePage > empty);
        Assert.Equal(onePage, table.AllocatedBytes());
    }
}
