using System.Globalization;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Tests.Support;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Monitoring;

public sealed class MonitorEngineTests
{
    private const int Country = 0;
    private const int Amount = 1;
    private const int Mobile = 2;
    private const int Fraud = 3;

    [Fact]
    public void Apply_NumericFeatureWarmUp_BuffersThenCountsEveryEventAndMatchesRecount()
    {
        const int warmUp = 400;
        var schema = CheckoutSchema(WindowSpec.WholeStream) with { WarmUpEvents = warmUp };
        var engine = new MonitorEngine(schema);
        var events = CheckoutEvents(1000, new Random(3));
        var record = engine.CreateRecord();
        var outcomes = new List<ApplyOutcome>();

        foreach (var e in events)
        {
            Fill(record, e);
            outcomes.Add(engine.Apply(record));
        }

        engine.CompleteWarmUp();

        Assert.All(outcomes.Take(warmUp), o => Assert.Equal(ApplyOutcome.Buffered, o));
        Assert.All(outcomes.Skip(warmUp), o => Assert.Equal(ApplyOutcome.Counted, o));
        Assert.False(engine.IsWarmingUp);
        Assert.Equal(events.Count, engine.Counted);
        Assert.Equal(events.Count, engine.Tables.Events);

        // Edges from our own quartiles of the first 400 amounts: sorted[100], [200], [300].
        var sorted = events.Take(warmUp).Select(e => e.Amount).Order().ToArray();
        double[] edges = [sorted[100], sorted[200], sorted[300]];
        var snapshot = engine.Snapshot();
        Assert.Equal(edges, Report(snapshot, "amount").Edges);

        var expected = ExpectedTables(events, edges);
        for (var f = 0; f < 3; f++)
        {
            TableAssert.Matches(expected[f], engine.Tables.FeatureTarget[f]);
        }
    }

    [Fact]
    public void Snapshot_ThreeFeatures_SortedByMutualInformationEachEqualToBruteForce()
    {
        var schema = CheckoutSchema(WindowSpec.WholeStream) with { WarmUpEvents = 500 };
        var engine = new MonitorEngine(schema);
        var events = CheckoutEvents(5000, new Random(4));
        var record = engine.CreateRecord();
        foreach (var e in events)
        {
            Fill(record, e);
            engine.Apply(record);
        }

        var snapshot = engine.Snapshot();

        var sorted = events.Take(500).Select(e => e.Amount).Order().ToArray();
        var expected = ExpectedTables(events, [sorted[125], sorted[250], sorted[375]]);
        string[] names = ["country", "amount", "mobile"];
        var expectedOrder = Enumerable.Range(0, 3)
            .OrderByDescending(f => expected[f].MutualInformationNats())
            .Select(f => names[f]);
        Assert.Equal(expectedOrder, snapshot.Features.Select(f => f.Feature));
        foreach (var report in snapshot.Features)
        {
            var model = expected[Array.IndexOf(names, report.Feature)];
            Assert.Equal(model.MutualInformationNats(), report.Estimate.MutualInformationNats, 12);
            Assert.InRange(
                Math.Abs(model.MutualInformationNats() - report.LiveMutualInformationNats),
                0,
                model.FixedPointTolerance());
        }

        Assert.Equal("country", snapshot.Features[0].Feature);
        Assert.Equal(5000, snapshot.WindowEvents);
        Assert.Equal(5000, snapshot.Counted);
        Assert.Equal(2, snapshot.TargetLevels);
        Assert.Equal(FeatureKind.Boolean, Report(snapshot, "mobile").Kind);
        Assert.False(snapshot.Features[0].Capped);
    }

    [Fact]
    public void CompleteWarmUp_FewerEventsThanWarmUp_CountsTheHeldEvents()
    {
        var engine = new MonitorEngine(CheckoutSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();
        foreach (var e in CheckoutEvents(50, new Random(5)))
        {
            Fill(record, e);
            Assert.Equal(ApplyOutcome.Buffered, engine.Apply(record));
        }

        var before = engine.Snapshot();
        engine.CompleteWarmUp();
        var after = engine.Snapshot();

        Assert.Equal(50, before.Buffered);
        Assert.Equal(0, before.Counted);
        Assert.Equal(0, before.WindowEvents);
        Assert.Equal(0, after.Buffered);
        Assert.Equal(50, after.Counted);
        Assert.Equal(50, after.WindowEvents);
    }

    [Fact]
    public void Apply_FixedEdgesOnly_CountsFromTheFirstEvent()
    {
        var schema = new MonitorSchema(
            "fixed",
            [new FeatureSpec("amount", FeatureKind.Numeric) { Edges = [10, 100] }],
            new FeatureSpec("fraud", FeatureKind.Boolean),
            WindowSpec.WholeStream);
        var engine = new MonitorEngine(schema);
        var record = engine.CreateRecord();

        record.SetNumber(0, 100, "100"u8);
        record.SetBoolean(1, true);

        Assert.False(engine.IsWarmingUp);
        Assert.Equal(ApplyOutcome.Counted, engine.Apply(record));
        Assert.Equal(1, engine.Tables.FeatureTarget[0].Count(3, BooleanLevels.True));
    }

    [Fact]
    public void Apply_MissingTarget_SkippedAsMissingTarget()
    {
        var engine = new MonitorEngine(CategoricalSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();

        record.SetText(0, "a"u8);
        var absent = engine.Apply(record);
        record.Reset();
        record.SetText(0, "a"u8);
        record.SetText(1, ""u8);
        var empty = engine.Apply(record);
        record.Reset();
        record.SetText(0, "a"u8);
        record.SetMissing(1);
        var isNull = engine.Apply(record);

        Assert.All([absent, empty, isNull], outcome => Assert.Equal(ApplyOutcome.Skipped, outcome));
        Assert.Equal(SkipReason.MissingTarget, record.Problem);
        Assert.Equal(1, record.ProblemField);
        Assert.Equal(3, engine.Skipped(SkipReason.MissingTarget));
        Assert.Equal(3, engine.Snapshot().Skipped["missing_target"]);
        Assert.Equal(0, engine.Counted);
    }

    [Fact]
    public void Apply_NaNInNumericTarget_SkippedAsMissingTarget()
    {
        var schema = new MonitorSchema(
            "numeric-target",
            [new FeatureSpec("a", FeatureKind.Categorical)],
            new FeatureSpec("latency", FeatureKind.Numeric) { Edges = [1.5] },
            WindowSpec.WholeStream);
        var engine = new MonitorEngine(schema);
        var record = engine.CreateRecord();

        record.SetText(0, "x"u8);
        record.SetText(1, "NaN"u8);
        var nan = engine.Apply(record);
        record.Reset();
        record.SetText(0, "x"u8);
        record.SetText(1, "2.5"u8);
        var number = engine.Apply(record);

        Assert.Equal(ApplyOutcome.Skipped, nan);
        Assert.Equal(ApplyOutcome.Counted, number);
        Assert.Equal(1, engine.Skipped(SkipReason.MissingTarget));
        Assert.Equal(1, engine.Tables.Target.Count(2));
    }

    [Fact]
    public void Apply_TextInNumericField_SkippedAsWrongType()
    {
        var engine = new MonitorEngine(CheckoutSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();

        record.SetText(Country, "DE"u8);
        record.SetText(Amount, "12,50 EUR"u8);
        record.SetText(Fraud, "no"u8);
        var outcome = engine.Apply(record);

        Assert.Equal(ApplyOutcome.Skipped, outcome);
        Assert.Equal(SkipReason.WrongType, record.Problem);
        Assert.Equal(Amount, record.ProblemField);
        Assert.Equal(1, engine.Snapshot().Skipped["wrong_type"]);
        Assert.Equal(0, engine.Snapshot().Buffered);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    public void Apply_UnreadableBoolean_SkippedAsWrongType(string text)
    {
        var engine = new MonitorEngine(CheckoutSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();

        record.SetText(Mobile, Encoding.UTF8.GetBytes(text));
        record.SetText(Fraud, "no"u8);

        Assert.Equal(ApplyOutcome.Skipped, engine.Apply(record));
        Assert.Equal(1, engine.Skipped(SkipReason.WrongType));
    }

    [Fact]
    public void SetNumber_CategoricalField_UsesTheTokenTextAsLabel()
    {
        var engine = new MonitorEngine(CategoricalSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();

        record.SetNumber(0, 1, "1"u8);
        var one = record.Levels[0];
        record.SetNumber(0, 1, "1.0"u8);
        var onePointZero = record.Levels[0];
        record.SetBoolean(0, true);
        var boolean = record.Levels[0];
        record.SetText(0, "true"u8);

        Assert.Equal([1, 2, 3], [one, onePointZero, boolean]);
        Assert.Equal(3, record.Levels[0]);
        Assert.Equal("1.0", engine.LevelName(0, 2));
    }

    [Fact]
    public void SetNumberAndSetBoolean_BooleanAndNumericFields_FollowTheirKinds()
    {
        var engine = new MonitorEngine(CheckoutSchema(WindowSpec.WholeStream));
        var record = engine.CreateRecord();

        record.SetNumber(Mobile, 1, "1"u8);
        var fromOne = record.Levels[Mobile];
        record.SetNumber(Mobile, 0, "0"u8);
        var fromZero = record.Levels[Mobile];
        record.SetBoolean(Amount, true);

        Assert.Equal(BooleanLevels.True, fromOne);
        Assert.Equal(BooleanLevels.False, fromZero);
        Assert.Equal(SkipReason.WrongType, record.Problem);
        Assert.Equal(Amount, record.ProblemField);
    }

    [Fact]
    public void Apply_SlidingWindowEventOlderThanWindow_CountedAsLate()
    {
        var window = WindowSpec.Sliding(TimeSpan.FromSeconds(10), 5);
        var engine = new MonitorEngine(CategoricalSchema(window));
        var record = engine.CreateRecord();

        var outcomes = new[] { 100_000L, 130_000L, 100_000L, 121_000L, 122_000L }.Select(time =>
        {
            record.Reset();
            record.SetText(0, "a"u8);
            record.SetText(1, "b"u8);
            record.EventTimeMs = time;
            return engine.Apply(record);
        }).ToList();
        var snapshot = engine.Snapshot();

        // The window after 130,000 ms is [122,000, 132,000): 100,000 and 121,000 have left it.
        ApplyOutcome[] expected =
        [
            ApplyOutcome.Counted, ApplyOutcome.Counted, ApplyOutcome.Late, ApplyOutcome.Late,
            ApplyOutcome.Counted,
        ];
        Assert.Equal(expected, outcomes);
        Assert.Equal(2, snapshot.Late);
        Assert.Equal(3, snapshot.Counted);
        Assert.Equal(2, snapshot.WindowEvents);
        Assert.Equal(122_000, snapshot.WindowStartMs);
        Assert.Equal(132_000, snapshot.WindowEndMs);
    }

    [Fact]
    public void Snapshot_NewEngine_ListsEveryReasonAtZero()
    {
        var engine = new MonitorEngine(CategoricalSchema(WindowSpec.WholeStream));

        engine.CountSkipped(SkipReason.MalformedJson);
        var snapshot = engine.Snapshot();

        var names = SkipReasons.All.Select(SkipReasons.Name);
        Assert.Equal(names.Order(), snapshot.Skipped.Keys.Order());
        Assert.Equal(1, snapshot.Skipped["malformed_json"]);
        Assert.Equal(1, snapshot.Skipped.Values.Sum());
        Assert.Null(snapshot.WindowStartMs);
        Assert.Equal("orders", snapshot.Name);
        Assert.Equal("label", snapshot.Target);
    }

    [Fact]
    public void FieldIndex_FeaturesThenTarget_OrMinusOne()
    {
        var engine = new MonitorEngine(CheckoutSchema(WindowSpec.WholeStream));

        Assert.Equal(
            [0, 1, 2, 3, -1],
            new[] { "country", "amount", "mobile", "fraud", "Country" }.Select(engine.FieldIndex));
    }

    [Fact]
    public void Constructor_InvalidSchema_ThrowsBeforeCounting()
    {
        var schema = CategoricalSchema(WindowSpec.WholeStream) with { WarmUpEvents = 0 };

        var error = Assert.Throws<ArgumentException>(() => new MonitorEngine(schema));

        Assert.Contains("warm-up", error.Message, StringComparison.Ordinal);
    }

    private static MonitorSchema CheckoutSchema(WindowSpec window) => new(
        "checkout",
        [
            new FeatureSpec("country", FeatureKind.Categorical),
            new FeatureSpec("amount", FeatureKind.Numeric) { Bins = 4 },
            new FeatureSpec("mobile", FeatureKind.Boolean),
        ],
        new FeatureSpec("fraud", FeatureKind.Categorical),
        window);

    private static MonitorSchema CategoricalSchema(WindowSpec window) => new(
        "orders",
        [new FeatureSpec("item", FeatureKind.Categorical)],
        new FeatureSpec("label", FeatureKind.Categorical),
        window);

    /// <summary>
    /// Fraud depends strongly on the country, weakly on large amounts, and not on the device.
    /// Amounts are a shuffle of 1..n so the learned quantiles are known exactly.
    /// </summary>
    private static List<CheckoutEvent> CheckoutEvents(int n, Random rng)
    {
        string[] countries = ["DE", "FR", "US", "BR"];
        var amounts = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
        rng.Shuffle(amounts);

        return [.. amounts.Select(amount =>
        {
            var country = countries[rng.Next(countries.Length)];
            var fraud = (country == "BR" && rng.NextDouble() < 0.8)
                || (amount > 0.9 * n && rng.NextDouble() < 0.3)
                || rng.NextDouble() < 0.05;
            return new CheckoutEvent(country, amount, rng.Next(2) == 0, fraud ? "yes" : "no");
        })];
    }

    private static void Fill(EventRecord record, CheckoutEvent e)
    {
        record.Reset();
        record.SetText(Country, Encoding.UTF8.GetBytes(e.Country));
        var amount = e.Amount.ToString(CultureInfo.InvariantCulture);
        record.SetText(Amount, Encoding.UTF8.GetBytes(amount));
        record.SetBoolean(Mobile, e.Mobile);
        record.SetText(Fraud, Encoding.UTF8.GetBytes(e.Fraud));
    }

    /// <summary>
    /// Our own levels: categorical values numbered from 1 in first-seen order, amounts by the
    /// number of edges at or below them, booleans false 1 and true 2.
    /// </summary>
    private static CountModel[] ExpectedTables(IReadOnlyList<CheckoutEvent> events, double[] edges)
    {
        var countries = new Dictionary<string, int>();
        var targets = new Dictionary<string, int>();
        var models = new[] { new CountModel(), new CountModel(), new CountModel() };
        foreach (var e in events)
        {
            var country = FirstSeenLevel(countries, e.Country);
            var target = FirstSeenLevel(targets, e.Fraud);
            models[0].Add(country, target);
            models[1].Add(1 + edges.Count(edge => edge <= e.Amount), target);
            models[2].Add(e.Mobile ? 2 : 1, target);
        }

        return models;
    }

    private static int FirstSeenLevel(Dictionary<string, int> levels, string value)
    {
        if (!levels.TryGetValue(value, out var level))
        {
            level = levels[value] = levels.Count + 1;
        }

        return level;
    }

    private static FeatureReport Report(MonitorSnapshot snapshot, string feature) =>
        snapshot.Features.Single(f => f.Feature == feature);

    private sealed record CheckoutEvent(string Country, double Amount, bool Mobile, string Fraud);
}
