using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Drift;

/// <summary>
/// Synthetic streams whose truth is known by construction, through a whole monitor: concept drift,
/// covariate shift, and two copies of one feature for mRMR.
/// </summary>
/// <remarks>
/// Every stream here is a 10-second sliding window of ten 1-second panes with 300 events a second
/// (3,000 events a window); the drift, where there is one, starts at 60 s. A snapshot is taken once
/// a second, so each test sees every pane evaluation's outcome.
/// </remarks>
public sealed class KnownAnswerStreamTests
{
    private const int EventsPerSecond = 300;
    private const int DriftAtSecond = 60;

    public static TheoryData<string> References => ["first-window", "lagged"];

    [Theory]
    [MemberData(nameof(References))]
    public void ConceptDrift_DependencyChangesButNoMarginal_RaisesDependencyDriftOnly(string reference)
    {
        // concept: uniform over 3; the target is concept with probability 0.7 (else uniform)
        // before 60 s and independent of it after. Both stay uniform throughout: P(X) and P(Y) do
        // not move, P(Y | X) does. stable: the target with probability 0.5, else uniform over 4,
        // the same all along.
        var random = new Random(41);
        var history = Run(reference, 120, second =>
        {
            var x = random.Next(3);
            var y = second < DriftAtSecond && random.NextDouble() < 0.7 ? x : random.Next(3);
            var stable = random.NextDouble() < 0.5 ? y : random.Next(4);
            return ($"y{y}", [$"x{x}", $"s{stable}", $"n{random.Next(5)}"]);
        });

        var before = history.Where(h => h.Second < DriftAtSecond).ToList();
        var after = history.Where(h => h.Second >= DriftAtSecond).ToList();
        Assert.All(before, h => Assert.Equal(DriftState.None, h.State("concept")));
        Assert.Contains(after, h => h.State("concept") == DriftState.Drifting);

        // A lost dependency: corrected MI about 0.35 nats before (1 − uniform 3-way mixing) and 0
        // after, so the change is strongly negative.
        var drifting = after.First(h => h.State("concept") == DriftState.Drifting);
        Assert.True(drifting.Feature("concept")!.Change.Z < -10, $"z = {drifting.Feature("concept")!.Change.Z}");

        Assert.All(history, h =>
        {
            Assert.False(h.Feature("concept")?.MarginalShifted ?? false, $"concept's marginal shifted at {h.Second} s");
            Assert.NotEqual(DriftState.Drifting, h.State("stable"));
            Assert.NotEqual(DriftState.Drifting, h.State("noise"));
            Assert.False(h.Drift.Last?.TargetShifted ?? false, $"the target shifted at {h.Second} s");
        });
    }

    [Theory]
    [MemberData(nameof(References))]
    public void CovariateShift_MarginalMovesDependencyDoesNot_RaisesMarginalDriftOnly(string reference)
    {
        // region: four values, P = (0.4, 0.1, 0.1, 0.4) before 60 s and (0.1, 0.4, 0.4, 0.1)
        // after. The target is the parity of region, flipped with probability 0.15, at all times.
        // P(even) = 0.5 before and after, so P(Y) and H(Y | X) are unchanged and so is
        // I(region; Y) = 1 − H_b(0.15) bits, exactly: a pure covariate shift that leaves the
        // dependency alone.
        double[] beforeShares = [0.4, 0.1, 0.1, 0.4];
        double[] afterShares = [0.1, 0.4, 0.4, 0.1];
        var random = new Random(43);
        var history = Run(reference, 120, second =>
        {
            var region = Draw(random, second < DriftAtSecond ? beforeShares : afterShares);
            var y = (region % 2) ^ (random.NextDouble() < 0.15 ? 1 : 0);
            var stable = random.NextDouble() < 0.5 ? y : random.Next(4);
            return ($"y{y}", [$"r{region}", $"s{stable}", $"n{random.Next(5)}"]);
        }, names: ["region", "stable", "noise"]);

        var after = history.Where(h => h.Second >= DriftAtSecond).ToList();
        Assert.Contains(after, h => h.Feature("region")?.MarginalShifted == true);
        var shifted = after.First(h => h.Feature("region")?.MarginalShifted == true);

        // PSI of (0.4, 0.1, 0.1, 0.4) against (0.1, 0.4, 0.4, 0.1) is 4 · 0.3 · ln 4 ≈ 1.66 once
        // the window has fully moved; the first flag comes part-way.
        Assert.True(shifted.Feature("region")!.Marginal.Psi >= 0.1);
        Assert.Contains(after, h => h.Feature("region")?.Marginal.Psi > 1.4);

        Assert.All(history, h =>
        {
            Assert.NotEqual(DriftState.Drifting, h.State("region"));
            Assert.NotEqual(DriftState.Drifting, h.State("stable"));
            Assert.False(h.Feature("stable")?.MarginalShifted ?? false, $"stable's marginal shifted at {h.Second} s");
            Assert.False(h.Drift.Last?.TargetShifted ?? false, $"the target shifted at {h.Second} s");
        });
    }

    [Fact]
    public void Mrmr_TwoCopiesOfOneInformativeFeature_PlainMiRanksThemTogetherMrmrApart()
    {
        // a and a_copy are the same value: the target with probability 0.75, else uniform over 3.
        // b is the target with probability 0.4 (else uniform), drawn apart from a; noise is
        // independent. By data processing I(a; b) ≤ I(b; y), so b's mRMR score after a is chosen
        // stays ≥ 0, while a_copy's would be I(a; y) − H(a) ≈ 0.53 − 1.10 nats < 0; it scores more
        // only later, when its redundancy is averaged with features it shares little with.
        var schema = new MonitorSchema(
            "m",
            [.. new[] { "noise", "a", "b", "a_copy" }.Select(n => new FeatureSpec(n, FeatureKind.Categorical))],
            new FeatureSpec("y", FeatureKind.Categorical),
            WindowSpec.WholeStream)
        { WarmUpEvents = 1000, RedundancyTopK = 4 };
        var feeder = new EventFeeder(new MonitorEngine(schema));
        var random = new Random(47);
        for (var i = 0; i < 20_000; i++)
        {
            var y = random.Next(3);
            var a = random.NextDouble() < 0.75 ? y : random.Next(3);
            var b = random.NextDouble() < 0.4 ? y : random.Next(3);
            feeder.Apply(i, $"y{y}", $"n{random.Next(4)}", $"a{a}", $"b{b}", $"a{a}");
        }

        var snapshot = feeder.Engine.Snapshot();
        var byName = snapshot.Features.ToDictionary(f => f.Feature);

        // Plain MI: the copies have identical tables and share the top two places.
        Assert.Equal(byName["a"].Estimate.MutualInformationNats, byName["a_copy"].Estimate.MutualInformationNats);
        Assert.Equal(["a", "a_copy"], snapshot.Features.Take(2).Select(f => f.Feature).Order());

        // mRMR: a first, then b, and the copy last, below even the noise.
        Assert.Equal(1, byName["a"].Mrmr!.Rank);
        Assert.Equal(2, byName["b"].Mrmr!.Rank);
        Assert.Equal(3, byName["noise"].Mrmr!.Rank);
        Assert.Equal(4, byName["a_copy"].Mrmr!.Rank);
        Assert.True(byName["b"].Mrmr!.ScoreNats > 0);
        Assert.True(byName["a_copy"].Mrmr!.QuotientRank > byName["b"].Mrmr!.QuotientRank);

        // The copies' pair table holds their whole entropy.
        Assert.Equal(6, snapshot.Pairs.Count);
        var copies = snapshot.Pairs.Single(p => new[] { p.FeatureA, p.FeatureB }.Order().SequenceEqual(["a", "a_copy"]));
        Assert.Equal(byName["a"].Estimate.EntropyRowsNats, copies.MutualInformationNats, 9);
    }

    [Fact]
    public void Mrmr_RedundancySetSmallerThanFeatures_OthersFollowByRelevance()
    {
        var schema = new MonitorSchema(
            "m",
            [.. new[] { "weak", "strong", "medium" }.Select(n => new FeatureSpec(n, FeatureKind.Categorical))],
            new FeatureSpec("y", FeatureKind.Categorical),
            WindowSpec.WholeStream)
        { WarmUpEvents = 2000, RedundancyTopK = 2 };
        var feeder = new EventFeeder(new MonitorEngine(schema));
        var random = new Random(53);
        for (var i = 0; i < 5000; i++)
        {
            var y = random.Next(2);
            feeder.Apply(i, $"{y}", Noisy(random, y, 0.2), Noisy(random, y, 0.9), Noisy(random, y, 0.6));
        }

        var byName = feeder.Engine.Snapshot().Features.ToDictionary(f => f.Feature);

        Assert.Equal([(1, 2)], feeder.Engine.Tables.PairFeatures);
        Assert.True(byName["strong"].Mrmr!.InRedundancySet);
        Assert.Equal(1, byName["strong"].Mrmr!.Rank);
        Assert.Equal(2, byName["medium"].Mrmr!.Rank);
        Assert.Equal(3, byName["weak"].Mrmr!.Rank);
        Assert.False(byName["weak"].Mrmr!.InRedundancySet);
        Assert.Null(byName["weak"].Mrmr!.ScoreNats);
    }

    internal static List<Observation> Run(
        string reference,
        int seconds,
        Func<int, (string Target, string[] Features)> next,
        string[]? names = null,
        DriftSettings? settings = null)
    {
        names ??= ["concept", "stable", "noise"];
        var spec = reference == "lagged" ? ReferenceSpec.Lagged(20) : ReferenceSpec.FirstWindow;
        var drift = (settings ?? new DriftSettings { Reference = spec }) with { Reference = spec };
        var schema = new MonitorSchema(
            "m",
            [.. names.Select(n => new FeatureSpec(n, FeatureKind.Categorical))],
            new FeatureSpec("y", FeatureKind.Categorical),
            WindowSpec.Sliding(TimeSpan.FromSeconds(10), 10));
        var feeder = new EventFeeder(new MonitorEngine(schema, drift));
        var history = new List<Observation>();
        for (var second = 0; second < seconds; second++)
        {
            for (var i = 0; i < EventsPerSecond; i++)
            {
                var (target, features) = next(second);
                feeder.Apply((second * 1000L) + (i * 1000L / EventsPerSecond), target, features);
            }

            history.Add(new Observation(second, feeder.Engine.Drift!, names));
        }

        return history;
    }

    private static string Noisy(Random random, int y, double keep) =>
        random.NextDouble() < keep ? $"{y}" : $"{random.Next(2)}";

    private static int Draw(Random random, double[] shares)
    {
        var u = random.NextDouble();
        for (var i = 0; i < shares.Length - 1; i++)
        {
            u -= shares[i];
            if (u < 0)
            {
                return i;
            }
        }

        return shares.Length - 1;
    }

    /// <summary>The drift evaluation as it stood at the end of one second of the stream.</summary>
    internal sealed record Observation(int Second, MonitorDrift Drift, string[] Names)
    {
        public FeatureDrift? Feature(string name) => Drift.Last?.Features[Array.IndexOf(Names, name)];

        public DriftState State(string name) => Feature(name)?.State ?? DriftState.None;
    }
}
