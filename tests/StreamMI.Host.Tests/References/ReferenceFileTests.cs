using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;
using StreamMI.Host.References;

namespace StreamMI.Host.Tests.References;

public sealed class ReferenceFileTests : IDisposable
{
    private readonly ReferenceFiles _files = new();

    [Fact]
    public void SaveThenLoad_BuiltReference_KeepsDiscretisationAndEveryCount()
    {
        var csv = _files.WriteCsv("history.csv", rows: 3000, seed: 1, conceptKeep: 0.7);
        var built = ReferenceFiles.Build(csv, ReferenceFiles.Selection());
        var path = _files.PathOf("ref.json");

        ReferenceFile.Save(built, path);
        var loaded = ReferenceFile.Load(path);

        Assert.Equal(3000, loaded.Events);
        Assert.Equal("history.csv", loaded.Source);
        Assert.Equal(built.HashSeed, loaded.HashSeed);
        Assert.Equal(built.Target, loaded.Target with { Values = built.Target.Values, Edges = built.Target.Edges });
        Assert.Equal(built.Target.Values, loaded.Target.Values);
        Assert.Equal(built.Features.Select(f => f.Name), loaded.Features.Select(f => f.Name));
        for (var f = 0; f < built.Features.Count; f++)
        {
            Assert.Equal(built.Features[f].Kind, loaded.Features[f].Kind);
            Assert.Equal(built.Features[f].Bins, loaded.Features[f].Bins);
            Assert.Equal(built.Features[f].LevelCap, loaded.Features[f].LevelCap);
            Assert.Equal(built.Features[f].TailBuckets, loaded.Features[f].TailBuckets);
            Assert.Equal(built.Features[f].Edges ?? [], loaded.Features[f].Edges ?? []);
            Assert.Equal(built.Features[f].Values ?? [], loaded.Features[f].Values ?? []);
            Assert.Equal(built.Tables[f].Cells, loaded.Tables[f].Cells);
        }

        // amount: 8 bins asked, 7 interior edges learned from 3,000 distinct values.
        var amount = loaded.Features.Single(f => f.Name == "amount");
        Assert.Equal(FeatureKind.Numeric, amount.Kind);
        Assert.Equal(7, amount.Edges!.Count);
    }

    [Fact]
    public void Read_NewerVersion_SaysWhichVersionAndHowToRebuild()
    {
        var error = Read("""{"format":"streammi-reference","version":2,"features":[]}""");

        Assert.Equal("'x.json' is reference format version 2; this StreamMI reads version 1. Rebuild it with 'streammi reference build'.", error.Message);
    }

    [Fact]
    public void Read_OtherJson_SaysItIsNotAReferenceFile()
    {
        var error = Read("""{"monitors":[]}""");

        Assert.Equal("'x.json' is not a StreamMI reference file: it has no \"format\": \"streammi-reference\".", error.Message);
    }

    [Fact]
    public void Read_NotJson_SaysSo()
    {
        var error = Read("label,concept\ny0,c0\n");

        Assert.StartsWith("'x.json' is not a StreamMI reference file: it is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TablesHoldingDifferentEvents_SaysItContradictsItself()
    {
        const string Json = """
            {"format":"streammi-reference","version":1,"hash_seed":0,
             "target":{"name":"y","kind":"boolean"},
             "features":[{"name":"a","kind":"boolean","cells":[[1,1,3],[2,2,4]]},
                         {"name":"b","kind":"boolean","cells":[[1,1,3],[2,2,5]]}]}
            """;

        var error = Read(Json);

        Assert.Equal(
            "'x.json' contradicts itself: Feature 'b' counts the target differently from feature 'a'; every table must hold the same events.",
            error.Message);
    }

    [Fact]
    public void Read_EventCountOtherThanTheTables_IsRefused()
    {
        const string Json = """
            {"format":"streammi-reference","version":1,"hash_seed":0,"events":8,
             "target":{"name":"y","kind":"boolean"},
             "features":[{"name":"a","kind":"boolean","cells":[[1,1,3],[2,2,4]]}]}
            """;

        var error = Read(Json);

        Assert.Equal("'x.json' is not a valid reference file: It says it holds 8 events, but its tables hold 7.", error.Message);
    }

    [Fact]
    public void Read_UnknownKind_NamesTheFieldAndTheKinds()
    {
        const string Json = """
            {"format":"streammi-reference","version":1,"hash_seed":0,
             "target":{"name":"y","kind":"text"},"features":[]}
            """;

        var error = Read(Json);

        Assert.Equal("'x.json' is not a valid reference file: The target 'y' has kind 'text'; kinds are categorical, numeric and boolean.", error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var path = _files.PathOf("absent.json");

        var error = Assert.Throws<ReferenceFileException>(() => ReferenceFile.Load(path));

        Assert.StartsWith($"Cannot read the reference file '{path}'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static ReferenceFileException Read(string json) =>
        Assert.Throws<ReferenceFileException>(() => ReferenceFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "x.json"));
}
