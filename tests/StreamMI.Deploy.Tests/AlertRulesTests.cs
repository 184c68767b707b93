using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed partial class AlertRulesTests
{
    private const string Rules = "deploy/prometheus/streammi-alerts.yaml";

    private const string RuleTests = "deploy/prometheus/streammi-alerts.test.yaml";

    private static readonly string[] ExpectedAlerts =
    [
        "StreamMIDependencyDrift",
        "StreamMIDependencyLost",
        "StreamMIDependencyAppeared",
        "StreamMIMonitorStalled",
        "StreamMIConsumerLagGrowing",
        "StreamMISkippedEventsHigh",
    ];

    [Fact]
    public async Task PromtoolCheckRules_AlertsFile_FindsTheSixAlerts()
    {
        var result = await ToolRunner.RunAsync("promtool", ["check", "rules", Repository.PathOf(Rules)]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS: 6 rules found", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsFile_AlertNames_AreTheSixOfTheCatalogue()
    {
        var alerts = await AlertRulesAsync();

        Assert.Equal(ExpectedAlerts, alerts.Select(rule => rule["alert"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PromtoolTestRules_UnitTests_AllPass()
    {
        var result = await ToolRunner.RunAsync(
            "promtool", ["test", "rules", Repository.PathOf(RuleTests)]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    // promtool 2.42 names no test group when all pass. To show that every group really
    // runs and can fail, each group in turn gets one firing expectation emptied, and
    // promtool must then fail and name exactly that group.
    [Theory]
    [MemberData(nameof(TestGroupNames))]
    public async Task PromtoolTestRules_GroupWithAFlippedExpectation_FailsNamingThatGroup(string group)
    {
        var document = (await NodeScripts.ReadYamlAsync(Repository.PathOf(RuleTests)))[0]!.AsObject();
        document["rule_files"] = new JsonArray(Repository.PathOf(Rules));
        var tests = document["tests"]!.AsArray();
        var target = tests.Single(t => t!["name"]!.GetValue<string>() == group)!;
        var firing = target["alert_rule_test"]!.AsArray()
            .First(t => t!["exp_alerts"]!.AsArray().Count > 0)!;
        firing["exp_alerts"] = new JsonArray();
        var file = TempFiles.NewPath("flipped.json");
        await File.WriteAllTextAsync(file, document.ToJsonString());

        var result = await ToolRunner.RunAsync("promtool", ["test", "rules", file]);

        Assert.True(result.ExitCode == 1, result.Output);
        Assert.Contains($"name: {group},", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        var others = tests.Select(t => t!["name"]!.GetValue<string>()).Where(n => n != group);
        Assert.All(others, other => Assert.DoesNotContain($"name: {other},", result.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnitTests_EveryAlert_IsAssertedBothFiringAndNotFiring()
    {
        var document = (await NodeScripts.ReadYamlAsync(Repository.PathOf(RuleTests)))[0]!;
        var checks = document["tests"]!.AsArray()
            .SelectMany(group => group!["alert_rule_test"]!.AsArray())
            .Select(check => (
                Alert: check!["alertname"]!.GetValue<string>(),
                Fires: check["exp_alerts"]!.AsArray().Count > 0))
            .ToList();

        foreach (var alert in ExpectedAlerts)
        {
            Assert.True(checks.Contains((alert, true)), $"{alert} is never expected to fire");
            Assert.True(checks.Contains((alert, false)), $"{alert} is never expected to stay silent");
        }
    }

    [Fact]
    public async Task DocsTimingTable_ForAndKeepFiringFor_MatchTheRules()
    {
        var rules = (await AlertRulesAsync()).ToDictionary(r => r["alert"]!.GetValue<string>());
        var rows = TableRows("docs/alerts.md", "| Alert | Severity | for | keep_firing_for |");

        Assert.Equal(ExpectedAlerts, rows.Select(row => row[0].Trim('`')));
        foreach (var row in rows)
        {
            var rule = rules[row[0].Trim('`')];
            Assert.Equal(row[1], rule["labels"]!["severity"]!.GetValue<string>());
            Assert.Equal(row[2], rule["for"]?.GetValue<string>() ?? "-");
            Assert.Equal(row[3], rule["keep_firing_for"]?.GetValue<string>() ?? "-");
        }
    }

    [Fact]
    public async Task DocsThresholdTable_EveryComparison_AppearsInItsRule()
    {
        var rules = (await AlertRulesAsync()).ToDictionary(r => r["alert"]!.GetValue<string>());
        var rows = TableRows("docs/alerts.md", "| Alert | Threshold | Comparison |");

        Assert.Equal(14, rows.Count);
        foreach (var row in rows)
        {
            var expr = Whitespace().Replace(rules[row[0].Trim('`')]["expr"]!.GetValue<string>(), " ");
            Assert.Contains(row[2].Trim('`'), expr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AlertsFile_EveryTunableComment_IsInTheThresholdTable()
    {
        // Each "# tunable: ..." line in an expression sits above the comparison it names.
        var rules = await AlertRulesAsync();
        var documented = TableRows("docs/alerts.md", "| Alert | Threshold | Comparison |")
            .Select(row => (Alert: row[0].Trim('`'), Comparison: row[2].Trim('`')))
            .ToList();

        foreach (var rule in rules)
        {
            var alert = rule["alert"]!.GetValue<string>();
            var lines = rule["expr"]!.GetValue<string>().Split('\n');
            for (var i = 0; i < lines.Length - 1; i++)
            {
                if (!lines[i].TrimStart().StartsWith("# tunable", StringComparison.Ordinal))
                {
                    continue;
                }

                var next = Whitespace().Replace(lines[i + 1].Trim(), " ");
                Assert.True(
                    documented.Any(d => d.Alert == alert && next.Contains(d.Comparison, StringComparison.Ordinal)),
                    $"{alert}: the tunable line `{next}` has no row in the threshold table of docs/alerts.md");
            }
        }
    }

    public static TheoryData<string> TestGroupNames()
    {
        var data = new TheoryData<string>();
        foreach (Match match in TestGroupName().Matches(Repository.ReadText(RuleTests)))
        {
            data.Add(match.Groups[1].Value);
        }

        return data;
    }

    private static async Task<List<JsonNode>> AlertRulesAsync()
    {
        var document = (await NodeScripts.ReadYamlAsync(Repository.PathOf(Rules)))[0]!;

        return document["groups"]!.AsArray()
            .SelectMany(group => group!["rules"]!.AsArray())
            .Select(rule => rule!)
            .ToList();
    }

    /// <summary>The body rows of the Markdown table whose header starts with the given text.</summary>
    internal static List<string[]> TableRows(string markdownFile, string headerStart)
    {
        var lines = Repository.ReadText(markdownFile).Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith(headerStart, StringComparison.Ordinal));
        Assert.True(header >= 0, $"{markdownFile} has no table starting with {headerStart}");

        return lines.Skip(header + 2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();
    }

    [GeneratedRegex(@"^  - name: (.+)$", RegexOptions.Multiline)]
    private static partial Regex TestGroupName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
