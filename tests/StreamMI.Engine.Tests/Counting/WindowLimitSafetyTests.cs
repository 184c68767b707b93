using StreamMI.Engine.Counting;
using StreamMI.Engine.Tests.Support;

namespace StreamMI.Engine.Tests.Counting;

/// <summary>
/// The fixed-point sums of a window that holds at most <see cref="EntropyTerms.MaxWindowEvents"/>
/// events cannot overflow.
/// </summary>
/// <remarks>
/// <para>
/// Every running sum of a table (cells, rows, columns) equals Σ φ(n_i) over counts n_i ≥ 0 with
/// Σ n_i = N, the table's events. φ(n) = n ln n is superadditive: for a, b ≥ 1,
/// φ(a + b) − φ(a) − φ(b) = a ln((a + b) / a) + b ln((a + b) / b) &gt; ln 2 nats, since at least
/// one of the two ratios is at least 2 and each term is positive. Merging the counts two at a
/// time then gives Σ φ(n_i) ≤ φ(N) − (k − 1) ln 2 for k non-zero counts (φ(0) = φ(1) = 0 add
/// nothing). Rounding each term to the nearest 2^-32 nat moves the sum by at most k / 2 units,
/// far less than the (k − 1) ln 2 · 2^32 units of slack, so every fixed-point sum lies in
/// [0, φ(N)] whenever the rounded φ(N) does not overflow.
/// </para>
/// <para>
/// The MI read from the sums is S_xy − S_x − S_y. Since H(X, Y) ≥ H(X), S_xy ≤ S_x, so
/// S_xy − S_x lies in [−φ(N), 0]; and since MI ≥ 0, S_xy − S_x − S_y ≥ −φ(N) up to rounding.
/// Neither step leaves the range of a long when φ(N) is well inside it.
/// </para>
/// </remarks>
public sealed class WindowLimitSafetyTests
{
    [Fact]
    public void MaxWindowEvents_PhiInHighPrecision_IsBelowLongMaxValueWithMargin()
    {
        var exact = HighPrecision.ScaledPhi(EntropyTerms.MaxWindowEvents);

        // n ln n · 2^32 at 10^8 is about 7.91 × 10^18 against 9.22 × 10^18: more than 10 % to
        // spare, which also covers concurrent appliers passing the limit by a few events.
        Assert.InRange(exact, 0m, 0.9m * long.MaxValue);

        // The engine's term comes from doubles: a few ulps of 8 × 10^18, as EntropyTermsTests allows.
        var slack = 1 + (exact * 4e-16m);
        Assert.InRange(Math.Abs(EntropyTerms.Phi(EntropyTerms.MaxWindowEvents) - exact), 0m, slack);

        // Where the margin runs out: φ passes long.MaxValue between 1.15 and 1.16 × 10^8.
        Assert.True(HighPrecision.ScaledPhi(115_000_000) < long.MaxValue);
        Assert.True(HighPrecision.ScaledPhi(116_000_000) > long.MaxValue);
    }

    [Fact]
    public void CellTerms_RandomSplitsOfMaxWindowEvents_SumAtMostPhiOfTotal()
    {
        var rng = new Random(20261204);
        var n = EntropyTerms.MaxWindowEvents;
        var whole = EntropyTerms.Phi(n);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var parts = Split(n, rng.Next(1, 300), rng);
            Assert.Equal(n, parts.Sum());

            long sum = 0;
            foreach (var part in parts)
            {
                sum = checked(sum + EntropyTerms.Phi(part));
            }

            Assert.InRange(sum, 0, whole);
        }
    }

    [Fact]
    public void Table_MaxWindowEventsInFewCells_SumsBoundedAndMutualInformationMatchesDirect()
    {
        // The most concentrated tables reach φ(N) itself: one cell, or one row and one column.
        var rng = new Random(7);
        for (var trial = 0; trial < 20; trial++)
        {
            var table = ContingencyTable.CreateWithOwnMargins(4, 3, concurrentWriters: false);
            var model = new CountModel();
            var parts = Split(EntropyTerms.MaxWindowEvents, 1 + rng.Next(12), rng);
            foreach (var part in parts)
            {
                var (row, column) = (rng.Next(4), rng.Next(3));
                table.Add(row, column, (int)part);
                model.Add(row, column, part);
            }

            var whole = EntropyTerms.Phi(EntropyTerms.MaxWindowEvents);
            Assert.Equal(EntropyTerms.MaxWindowEvents, table.Total);
            Assert.InRange(table.SumPhi, 0, whole);
            Assert.InRange(table.Rows.SumPhi, 0, whole);
            Assert.InRange(table.Columns.SumPhi, 0, whole);
            Assert.Equal(model.CellSumPhi(), table.SumPhi);
            Assert.InRange(
                Math.Abs(table.MutualInformationNats() - model.MutualInformationNats()),
                0,
                1e-12);
        }
    }

    // n split into k non-negative parts at k − 1 random cut points.
    private static long[] Split(long n, int k, Random rng)
    {
        var cuts = Enumerable.Range(0, k - 1).Select(_ => rng.NextInt64(0, n + 1)).Append(0).Append(n).Order().ToArray();
        return [.. cuts.Zip(cuts.Skip(1), (a, b) => b - a)];
    }
}
