using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Drift;

public sealed class ReferenceModelTests
{
    private static MonitorSchema Schema(string target = "y", int bins = 4, int levelCap = 4096, params (string Name, FeatureKind Kind)[] features)
    {
        if (features.Length == 0)
        {
            features = [("colour", FeatureKind.Categorical), ("size", FeatureKind.Numeric), ("flag", FeatureKind.Boolean)];
        }

        return new MonitorSchema(
            "m",
            [.. features.Select(f => new FeatureSpec(f.Name, f.Kind) { Bins = bins, LevelCap = levelCap })],
            new FeatureSpec(target, FeatureKind.Categorical) { LevelCap = 1024, TailBuckets = 64 },
            WindowSpec.WholeStream)
        { WarmUpEvents = 50 };
    }

    private static ReferenceModel Build(int events = 200)
    {
        var feeder = new EventFeeder(new MonitorEngine(Schema()));
        var random = new Random(3);
        string[] colours = ["red", "green", "blue"];
        for (var i = 0; i < events; i++)
        {
            var c = random.Next(3);
            feeder.Apply(i, c == 0 ? "yes" : "no", colours[c], random.NextDouble() * 100, random.Next(2) == 0 ? "true" : "false");
        }

        feeder.Engine.CompleteWarmUp();
        return feeder.Engine.CaptureReference("test");
    }

    [Fact]
    public void CaptureReference_AfterCounting_HoldsEveryEventInEveryTableAndTheDiscretisation()
    {
        var model = Build();

        Assert.Equal(200, model.Events);
        Assert.All(model.Tables, t => Assert.Equal(200, t.Total));
        Assert.Empty(model.Problems());
        Assert.Equal(["colour", "size", "flag"], model.Features.Select(f => f.Name));
        Assert.Equal(3, model.Features[0].Values!.Count);
        Assert.Equal(3, model.Features[1].Edges!.Count);
        Assert.Equal(["no", "yes"], model.Target.Values!.Order());
        Assert.Equal("test", model.Source);
    }

    [Fact]
    public void Align_NewMonitorWithValuesInAnotherOrder_GivesEachValueItsReferenceLevel()
    {
        var model = Build();
        var engine = new MonitorEngine(Schema(), new DriftSettings { Reference = ReferenceSpec.Frozen(model) });
        var feeder = new EventFeeder(engine);

        // "blue" comes first here; without the reference's dictionary it would get level 1.
        feeder.Apply(0, "no", "blue", 50.0, "true");

        var blueLevel = model.Features[0].Values!.ToList().IndexOf("blue") + 1;
        Assert.Equal(1, engine.Tables.FeatureTarget[0].Rows.Count(blueLevel));
        Assert.Equal(model.Features[1].Edges, engine.Schema.Features[1].Edges);
        Assert.False(engine.IsWarmingUp);
    }

    [Fact]
    public void EvaluateDrift_WholeStreamAgainstItsOwnReference_NoChangeAndCalm()
    {
        var model = Build();
        var engine = new MonitorEngine(Schema(), new DriftSettings { Reference = ReferenceSpec.Frozen(model), MinimumEvents = 10 });
        var feeder = new EventFeeder(engine);
        var random = new Random(3);
        string[] colours = ["red", "green", "blue"];
        for (var i = 0; i < 200; i++)
        {
            var c = random.Next(3);
            feeder.Apply(i, c == 0 ? "yes" : "no", colours[c], random.NextDouble() * 100, random.Next(2) == 0 ? "true" : "false");
        }

        engine.EvaluateDrift();
        var snapshot = engine.Snapshot();

        Assert.NotNull(snapshot.Drift);
        Assert.True(snapshot.Drift.Ready);
        Assert.Equal(1, snapshot.Drift.Evaluations);
        Assert.All(snapshot.Features, f =>
        {
            Assert.Equal(0, f.Drift!.Change.DeltaNats);
            Assert.Equal(DriftVerdict.Calm, f.Drift.Verdict);
            Assert.Equal(0, f.Drift.Marginal.Psi, 15);
        });
    }

    [Fact]
    public void Mismatches_OtherTarget_NamesBoth()
    {
        var problems = Build().Mismatches(Schema(target: "z"));

        Assert.Equal(["The reference's target is 'y'; the monitor's target is 'z'."], problems);
    }

    [Fact]
    public void Mismatches_OtherFeatures_SaysWhichAreMissingOnEachSide()
    {
        var schema = Schema(features: [("colour", FeatureKind.Categorical), ("weight", FeatureKind.Numeric), ("flag", FeatureKind.Boolean)]);

        var problems = Build().Mismatches(schema);

        Assert.Equal(
            ["The reference's features are colour, size, flag; the monitor's are colour, weight, flag (the monitor lacks size; the reference lacks weight)."],
            problems);
    }

    [Fact]
    public void Mismatches_OtherKindBinsAndCap_OneSentenceEach()
    {
        var schema = Schema(bins: 8, levelCap: 100, features: [("colour", FeatureKind.Categorical), ("size", FeatureKind.Numeric), ("flag", FeatureKind.Categorical)]);

        var problems = Build().Mismatches(schema);

        Assert.Equal(
            [
                "The feature 'colour' has a level cap of 4096 in the reference and 100 in the monitor.",
                "The feature 'size' has 4 bins in the reference and 8 in the monitor.",
                "The feature 'flag' is boolean in the reference and categorical in the monitor.",
            ],
            problems);
    }

    [Fact]
    public void Create_EngineWithMismatchedReference_ThrowsWithTheMismatch()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new MonitorEngine(Schema(target: "z"), new DriftSettings { Reference = ReferenceSpec.Frozen(Build()) }));

        Assert.Contains("the monitor's target is 'z'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_TablesCountingDifferentEvents_AreReported()
    {
        var field = new ReferenceField("y", FeatureKind.Boolean);
        var model = new ReferenceModel(
            field,
            [new ReferenceField("a", FeatureKind.Boolean), new ReferenceField("b", FeatureKind.Boolean)],
            [new ReferenceTable([(1, 1, 5), (2, 2, 5)]), new ReferenceTable([(1, 1, 4), (2, 2, 5), (9, 1, 2)])],
            0);

        var problems = model.Problems();

        Assert.Equal(
            [
                "Feature 'b' has counts at level 9, beyond its 3 levels.",
                "Feature 'b' counts the target differently from feature 'a'; every table must hold the same events.",
            ],
            problems);
    }

    [Fact]
    public void Preload_ValuesThenNewOnes_ReferenceValuesKeepTheirLevelsAndNewOnesFollow()
    {
        var encoder = new CategoricalEncoder(exactLevelCap: 3, tailBuckets: 4);
        encoder.Preload(["b", "a"]);

        Assert.Equal(2, encoder.Encode("a"u8));
        Assert.Equal(1, encoder.Encode("b"u8));
        Assert.Equal(3, encoder.Encode("c"u8));
        Assert.InRange(encoder.Encode("d"u8), 4, 7);
        Assert.Throws<InvalidOperationException>(() => encoder.Preload(["x"]));
    }
}
