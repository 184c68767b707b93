namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>The shortened copy of the alert rules that the end-to-end test loads.</summary>
public sealed class AlertRuleDurationsTests
{
    [Theory]
    [InlineData("15m", 900_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("2d", 172_800_000)]
    public void Milliseconds_PrometheusDuration_SumsItsParts(string duration, long expected)
    {
        Assert.Equal(expected, AlertRuleDurations.Milliseconds(duration));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("15x")]
    [InlineData("m15")]
    public void Milliseconds_NotADuration_Throws(string duration)
    {
        Assert.Throws<FormatException>(() => AlertRuleDurations.Milliseconds(duration));
    }

    [Fact]
    public void Shorten_ProjectRules_ChangesOnlyDurationLinesEachDividedByTheDivisor()
    {
        var original = File.ReadAllText(RulesPath).Split('\n');

        var shortened = AlertRuleDurations.Shorten(string.Join('\n', original), 300).Split('\n');

        Assert.Equal(original.Length, shortened.Length);
        var changed = 0;
        for (var i = 0; i < original.Length; i++)
        {
            if (original[i] == shortened[i])
            {
                continue;
            }

            changed++;
            var (key, before) = Split(original[i]);
            var (keyAfter, after) = Split(shortened[i]);
            Assert.Contains(key, new[] { "for", "keep_firing_for" });
            Assert.Equal(key, keyAfter);
            Assert.Equal(
                AlertRuleDurations.Milliseconds(before),
                300 * AlertRuleDurations.Milliseconds(after));
        }

        // Every rule has a for:, and all but the stalled-monitor rule a keep_firing_for:.
        var rules = original.Count(
            l => l.TrimStart().StartsWith("- alert:", StringComparison.Ordinal));
        Assert.Equal((2 * rules) - 1, changed);
    }

    [Fact]
    public async Task Shorten_ProjectRules_PromtoolCheckRulesAcceptsTheCopy()
    {
        var promtool = TestTools.Require("promtool", "prometheus");
        var copy = Path.Combine(Path.GetTempPath(), $"streammi-rules-{Guid.NewGuid():N}.yaml");
        var original = await File.ReadAllTextAsync(RulesPath);
        await File.WriteAllTextAsync(copy, AlertRuleDurations.Shorten(original, 300));
        try
        {
            var (exitCode, output) = await ChildProcess.RunAsync(
                promtool,
                ["check", "rules", copy],
                input: "",
                TimeSpan.FromSeconds(30));

            Assert.True(exitCode == 0, $"promtool check rules exited with {exitCode}: {output}");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static string RulesPath =>
        Path.Combine(EndToEndFixture.RepositoryRoot, "deploy", "prometheus", "streammi-alerts.yaml");

    private static (string Key, string Value) Split(string line)
    {
        var parts = line.Trim().Split(':', 2, StringSplitOptions.TrimEntries);
        return (parts[0], parts[1]);
    }
}
