using StreamMI.Engine.Drift;
using StreamMI.Host.Configuration;
using StreamMI.Host.References;

namespace StreamMI.Host.Tests.References;

/// <summary>The worker's Reference, Drift and RedundancyTopK settings, and the messages that name them.</summary>
public sealed class ReferenceSettingTests : IDisposable
{
    private readonly ReferenceFiles _files = new();

    [Fact]
    public void Validate_LagNotAWholeNumberOfPanes_NamesTheSettingAndThePane()
    {
        var errors = Validate(new MonitorOptions { Window = "30s", Panes = 6, Reference = "lagged:7s" });

        Assert.Equal(["StreamMI:Monitors:0:Reference 'lagged:7s' must lag by a whole number of panes, 1 to 100000; a pane here is 00:00:05."], errors);
    }

    [Fact]
    public void Validate_FirstWindowOnWholeStream_SaysItNeverFills()
    {
        var errors = Validate(new MonitorOptions { WindowMode = "whole-stream", Reference = "first-window" });

        Assert.Equal(["StreamMI:Monitors:0:Reference is first-window, but a whole-stream window never fills; use a sliding or tumbling window, or a reference file."], errors);
    }

    [Fact]
    public void Validate_ReferenceFileOnWholeStream_SaysThereAreNoPanes()
    {
        var errors = Validate(new MonitorOptions { WindowMode = "whole-stream", Reference = SaveReference() });

        Assert.Equal(["StreamMI:Monitors:0:Reference is a reference file, but a whole-stream window has no panes at which to compare with it; use a sliding or tumbling window (streammi scan --reference compares a whole file)."], errors);
    }

    [Fact]
    public void Validate_MissingReferenceFile_NamesTheSettingAndThePath()
    {
        var path = _files.PathOf("none.json");

        var errors = Validate(new MonitorOptions { Reference = path });

        Assert.Single(errors);
        Assert.StartsWith($"StreamMI:Monitors:0:Reference: Cannot read the reference file '{path}'", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReferenceWithOtherTargetAndBins_OneMessagePerMismatch()
    {
        var path = SaveReference();

        var errors = Validate(new MonitorOptions { Target = "concept", Numeric = ["amount"], Bins = 12, Reference = path });

        Assert.Equal(
            [
                $"StreamMI:Monitors:0:Reference '{path}' does not match the monitor: The reference's target is 'label'; the monitor's target is 'concept'.",
                $"StreamMI:Monitors:0:Reference '{path}' does not match the monitor: The reference's features are concept, region, amount; the monitor's are region, amount (the monitor lacks concept).",
                $"StreamMI:Monitors:0:Reference '{path}' does not match the monitor: The feature 'amount' has 8 bins in the reference and 12 in the monitor.",
            ],
            errors);
    }

    [Fact]
    public void Validate_MatchingReferenceFile_NoErrorAndTheReferenceNamesTheFeatures()
    {
        var path = SaveReference();
        var monitor = new MonitorOptions { Target = "label", Bins = 8, Reference = path };

        Assert.Empty(Validate(monitor));

        var spec = ReferenceSetting.Parse(path, WindowSettings.From(monitor), "key")!;
        var schema = ReferenceSelection.BuildSchema(FeatureSelection.From(monitor), spec.Model!, "m", [], _ => null, WindowSettings.From(monitor), 10);
        Assert.Equal(["concept", "region", "amount"], schema.Features.Select(f => f.Name));
        Assert.Equal(Engine.Discretisation.FeatureKind.Numeric, schema.Features[2].Kind);
        Assert.Empty(spec.Model!.Mismatches(schema));
    }

    [Fact]
    public void Validate_BadDriftSettings_NameEachKey()
    {
        var monitor = new MonitorOptions
        {
            RedundancyTopK = 65,
            Drift = new DriftOptions { ZThreshold = 0, ClearZ = 1, Correction = "holm", PersistencePanes = 0, SignificanceLevel = 1 },
        };

        var errors = Validate(monitor);

        Assert.Equal(
            [
                "StreamMI:Monitors:0:RedundancyTopK must be 0 to 64; it is 65.",
                "StreamMI:Monitors:0:Drift:ZThreshold must be above 0 and at most 100; it is 0.",
                "StreamMI:Monitors:0:Drift:ClearZ must be from 0 to ZThreshold (0); it is 1.",
                "StreamMI:Monitors:0:Drift:PersistencePanes must be 1 to 10000; it is 0.",
                "StreamMI:Monitors:0:Drift:SignificanceLevel must be between 0 and 1; it is 1.",
                "StreamMI:Monitors:0:Drift:Correction must be benjamini-hochberg, bonferroni or none; it is 'holm'.",
            ],
            errors);
    }

    [Theory]
    [InlineData("first-window", ReferenceKind.FirstWindow, 0)]
    [InlineData("lagged:1m", ReferenceKind.Lagged, 12)]
    [InlineData("LAGGED:00:00:30", ReferenceKind.Lagged, 6)]
    public void Parse_KeywordSettings_GiveTheReferenceKindAndLagInPanes(string value, ReferenceKind kind, int lag)
    {
        var window = WindowSettings.From(new MonitorOptions { Window = "1m", Panes = 12 });

        var spec = ReferenceSetting.Parse(value, window, "key")!;

        Assert.Equal(kind, spec.Kind);
        Assert.Equal(lag, spec.LagPanes);
    }

    [Fact]
    public void ToSettings_DefaultOptions_AreTheEngineDefaultsWithBitsTurnedIntoNats()
    {
        var settings = new DriftOptions().ToSettings(ReferenceSpec.FirstWindow);
        var engine = new DriftSettings { Reference = ReferenceSpec.FirstWindow };

        Assert.Equal(engine, settings with { MinimumDeltaNats = engine.MinimumDeltaNats });
        Assert.Equal(engine.MinimumDeltaNats, settings.MinimumDeltaNats, 15);
    }

    public void Dispose() => _files.Dispose();

    private string SaveReference()
    {
        var csv = _files.WriteCsv("history.csv", rows: 2000, seed: 2, conceptKeep: 0.7);
        var path = _files.PathOf("ref.json");
        ReferenceFile.Save(ReferenceFiles.Build(csv, ReferenceFiles.Selection(bins: 8)), path);
        return path;
    }

    private static List<string> Validate(MonitorOptions monitor)
    {
        monitor.Topic ??= "events";
        monitor.Target ??= "label";
        var options = new StreamMIOptions { Kafka = { BootstrapServers = "127.0.0.1:9092" }, Monitors = [monitor] };
        return [.. OptionsValidator.Validate(options)];
    }
}
