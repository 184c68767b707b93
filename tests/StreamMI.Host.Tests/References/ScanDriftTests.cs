using System.Text.Json;
using StreamMI.Cli.Commands;
using StreamMI.Engine.Drift;
using StreamMI.Host.References;

namespace StreamMI.Host.Tests.References;

/// <summary>`streammi reference build`, then `streammi scan --reference` and `--pairs`, end to end on files.</summary>
public sealed class ScanDriftTests : IDisposable
{
    private const double Ln2 = 0.6931471805599453;

    private readonly ReferenceFiles _files = new();

    [Fact]
    public void ScanWithReference_ConceptDriftAndCovariateShift_FlagsEachOnItsOwnAxis()
    {
        // History: concept is the label with probability 0.8, region uniform. Now: concept is
        // independent of the label (its own distribution still uniform), region shifts to
        // (0.55, 0.15, 0.15, 0.15) with no link to the label, and amount is unchanged.
        var history = _files.WriteCsv("history.csv", rows: 6000, seed: 3, conceptKeep: 0.8);
        var now = _files.WriteCsv("now.csv", rows: 6000, seed: 4, conceptKeep: 0, regionShares: [0.55, 0.15, 0.15, 0.15]);
        var reference = _files.PathOf("ref.json");

        var build = Run(["reference", "build", history, "--target", "label", "--numeric", "amount", "--bins", "8", "-o", reference]);
        var scan = Run(["scan", now, "--target", "label", "--reference", reference, "--json"]);

        Assert.Equal(0, build.Code);
        Assert.StartsWith($"Reference of 6,000 events (6,000 rows) with target 'label' and 3 features written to {reference}", build.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, scan.Code);
        var json = JsonDocument.Parse(scan.Stdout).RootElement;
        var drift = json.GetProperty("drift");
        Assert.Equal("frozen", drift.GetProperty("reference").GetString());
        Assert.Equal("history.csv", drift.GetProperty("source").GetString());
        Assert.Equal("benjamini-hochberg", drift.GetProperty("correction").GetString());
        Assert.Equal(6000, drift.GetProperty("reference_events").GetInt64());
        Assert.False(drift.GetProperty("target").GetProperty("shifted").GetBoolean());

        var features = json.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("feature").GetString()!, f => f.GetProperty("drift"));
        Assert.Equal("drifting", features["concept"].GetProperty("state").GetString());
        Assert.False(features["concept"].GetProperty("marginal").GetProperty("shifted").GetBoolean());
        Assert.True(features["concept"].GetProperty("z").GetDouble() < -20);

        Assert.Equal("none", features["region"].GetProperty("state").GetString());
        Assert.True(features["region"].GetProperty("marginal").GetProperty("shifted").GetBoolean());
        Assert.Equal("none", features["amount"].GetProperty("state").GetString());
        Assert.False(features["amount"].GetProperty("marginal").GetProperty("shifted").GetBoolean());

        // The reference's MI of concept: symmetric 3-way channel keeping the label with
        // probability 0.8 + 0.2/3, I = ln 3 − H(0.8667, 0.0667, 0.0667) ≈ 0.4904 nats; the plug-in
        // estimate from 6,000 rows lies within a few standard errors (about 0.01 nats) of it.
        var referenceBits = features["concept"].GetProperty("reference_mi_bits").GetDouble();
        var p = 0.8 + (0.2 / 3);
        var q = 0.2 / 3;
        var expectedNats = Math.Log(3) + (p * Math.Log(p)) + (2 * q * Math.Log(q));
        Assert.InRange(referenceBits * Ln2, expectedNats - 0.04, expectedNats + 0.04);
    }

    [Fact]
    public void ScanWithReference_SameFileAsTheReference_NoChangeAnywhere()
    {
        var history = _files.WriteCsv("history.csv", rows: 2000, seed: 5, conceptKeep: 0.6);
        var reference = _files.PathOf("ref.json");
        ReferenceFile.Save(ReferenceFiles.Build(history, ReferenceFiles.Selection()), reference);

        var scan = Run(["scan", history, "--target", "label", "--reference", reference, "--json"]);

        var json = JsonDocument.Parse(scan.Stdout).RootElement;
        Assert.All(json.GetProperty("features").EnumerateArray(), f =>
        {
            var drift = f.GetProperty("drift");
            Assert.Equal(0, drift.GetProperty("delta_bits").GetDouble());
            Assert.Equal(0, drift.GetProperty("marginal").GetProperty("psi").GetDouble());
            Assert.Equal("calm", drift.GetProperty("verdict").GetString());
        });
    }

    [Fact]
    public void ScanWithReference_Table_SaysTheCorrectionAndShowsTheDriftColumns()
    {
        var history = _files.WriteCsv("history.csv", rows: 3000, seed: 6, conceptKeep: 0.8);
        var now = _files.WriteCsv("now.csv", rows: 3000, seed: 7, conceptKeep: 0);
        var reference = _files.PathOf("ref.json");
        ReferenceFile.Save(ReferenceFiles.Build(history, ReferenceFiles.Selection()), reference);

        var scan = Run(["scan", now, "--target", "label", "--reference", reference]);

        Assert.Equal(0, scan.Code);
        Assert.Contains("q-values are benjamini-hochberg corrected over the features", scan.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+\d\s+concept\s+categorical\s+3\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+-\S+\s+-\S+\s+\S+\s+drifting\s", scan.Stdout);
    }

    [Fact]
    public void ScanWithReference_OtherTarget_ExitsOneWithTheMismatch()
    {
        var history = _files.WriteCsv("history.csv", rows: 500, seed: 8, conceptKeep: 0.5);
        var reference = _files.PathOf("ref.json");
        ReferenceFile.Save(ReferenceFiles.Build(history, ReferenceFiles.Selection()), reference);

        var scan = Run(["scan", history, "--target", "region", "--reference", reference]);

        Assert.Equal(1, scan.Code);
        Assert.Contains("The reference's target is 'label'; the monitor's target is 'region'.", scan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ScanWithPairs_JsonHasEveryPairAndAnMrmrRankPerFeature()
    {
        // amount and concept both follow the label, so they share information; region shares none.
        var now = _files.WriteCsv("now.csv", rows: 4000, seed: 9, conceptKeep: 0.9);

        var scan = Run(["scan", now, "--target", "label", "--numeric", "amount", "--pairs", "3", "--json"]);

        Assert.Equal(0, scan.Code);
        var json = JsonDocument.Parse(scan.Stdout).RootElement;
        var pairs = json.GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal(3, pairs.Count);
        Assert.Equal(["amount", "concept"], new[] { pairs[0].GetProperty("feature_a").GetString()!, pairs[0].GetProperty("feature_b").GetString()! }.Order());
        var ranks = json.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("feature").GetString()!, f => f.GetProperty("mrmr").GetProperty("rank").GetInt32());
        Assert.Equal([1, 2, 3], ranks.Values.Order());
        Assert.Equal(3, ranks["region"]);
        Assert.False(json.TryGetProperty("drift", out _));
    }

    [Fact]
    public void ReferenceBuild_WithoutOutput_IsAUsageError()
    {
        var history = _files.WriteCsv("history.csv", rows: 10, seed: 10, conceptKeep: 0.5);

        var build = Run(["reference", "build", history, "--target", "label"]);

        Assert.Equal(2, build.Code);
        Assert.Contains("reference build needs -o FILE", build.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code;
        try
        {
            code = args[0] == "scan"
                ? ScanCommand.Run(args[1..], stdout, stderr)
                : ReferenceCommand.Run(args[1..], stdout, stderr);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine(ex.Message);
            code = 2;
        }
        catch (InputException ex)
        {
            stderr.WriteLine(ex.Message);
            code = 1;
        }

        return (code, stdout.ToString(), stderr.ToString());
    }
}
