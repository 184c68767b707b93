using System.Text;
using System.Text.Json;
using StreamMI.Cli.Commands;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Tests.Scanning;

/// <summary>`streammi scan` as a user runs it: arguments in, text or JSON and an exit code out.</summary>
public sealed class ScanCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streammi-scan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Scan_JsonLinesWithNestedPathsAndBadLines_CountsByReasonAndRanksByMi()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            var y = i % 2 == 0 ? "yes" : "no";
            var copy = i % 20 < 2 ? "flip" : y; // a near copy of the target
            lines.Append($"{{\"user\":{{\"country\":\"{copy}\"}},\"noise\":\"n{i % 3}\",\"y\":\"{y}\"}}\n");
        }

        lines.Append("{\"user\":{\"country\":\"x\"},\"noise\":\"n0\"}\n");  // missing target
        lines.Append("{\"user\":\n");                                     // malformed
        lines.Append("[1,2]\n");                                          // not an object
        var path = Write("events.jsonl", lines.ToString());
        var stdout = new StringWriter();

        var code = ScanCommand.Run([path, "--target", "y", "--json"], stdout, TextWriter.Null);

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.Equal(403, json.GetProperty("rows").GetInt64());
        Assert.Equal("y", json.GetProperty("target").GetString());
        var skipped = json.GetProperty("skipped");
        Assert.Equal(1, skipped.GetProperty("missing_target").GetInt64());
        Assert.Equal(1, skipped.GetProperty("malformed_json").GetInt64());
        Assert.Equal(1, skipped.GetProperty("not_an_object").GetInt64());

        // Every reason is listed, a full window too (none here: 400 rows are far below its limit).
        Assert.Equal(
            SkipReasons.All.Select(SkipReasons.Name).Order(StringComparer.Ordinal),
            skipped.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, skipped.GetProperty("window_full").GetInt64());
        var features = json.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(["user.country", "noise"], features.Select(f => f.GetProperty("feature").GetString()));

        // user.country: 360 rows equal to y (180 each), 40 "flip" rows split 20/20 (i mod 20 is 0 or 1), so
        // I = H(Y) − H(Y|X) = 1 − 0.1·1 = 0.9 bits exactly.
        Assert.Equal(0.9, features[0].GetProperty("mi_bits").GetDouble(), 1e-12);
        foreach (var key in new[] { "kind", "levels", "mi_miller_madow_bits", "ami", "nmi", "g", "dof", "p_value" })
        {
            Assert.True(features[0].TryGetProperty(key, out _), $"feature objects hold '{key}'");
        }
    }

    [Fact]
    public void Scan_CsvTable_PrintsRankedTableAndInferredKinds()
    {
        var csv = new StringBuilder("a,b,target\r\n");
        for (var i = 0; i < 100; i++)
        {
            csv.Append($"{i % 2},{i * 0.37:F2},{(i % 2 == 0 ? "even" : "odd")}\r\n");
        }

        var path = Write("t.csv", csv.ToString());
        var stdout = new StringWriter();

        var code = ScanCommand.Run([path, "--target", "target"], stdout, TextWriter.Null);

        Assert.Equal(0, code);
        var text = stdout.ToString();
        Assert.Contains("100 rows, 100 counted; target 'target' has 2 levels", text, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+1\s+a\s+categorical\s+2\s+1\.00000", text);
        Assert.Contains("b: numeric (all 100 non-missing sampled values numeric with 100 distinct", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_MissingFile_ExitsOneWithOneSentence()
    {
        var (code, _, stderr) = RunProgram(["scan", Path.Combine(_dir, "nope.csv"), "--target", "y"]);

        Assert.Equal(1, code);
        Assert.StartsWith("streammi: Cannot open", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_UnknownTarget_ExitsOneNamingTheColumns()
    {
        var path = Write("u.csv", "a,b\n1,2\n");

        var (code, _, stderr) = RunProgram(["scan", path, "--target", "zzz"]);

        Assert.Equal(1, code);
        Assert.Contains("The target column 'zzz' is not in the input; its columns are: a, b.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_EmptyInput_ExitsOne()
    {
        var path = Write("empty.csv", string.Empty);

        var (code, _, stderr) = RunProgram(["scan", path, "--target", "y"]);

        Assert.Equal(1, code);
        Assert.Contains("empty", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_UnknownOption_ExitsTwo()
    {
        var (code, _, stderr) = RunProgram(["scan", "x.csv", "--target", "y", "--frobnicate"]);

        Assert.Equal(2, code);
        Assert.Contains("Unknown option --frobnicate.", stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) RunProgram(string[] args)
    {
        var streammi = Path.Combine(AppContext.BaseDirectory, "streammi.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [streammi, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
