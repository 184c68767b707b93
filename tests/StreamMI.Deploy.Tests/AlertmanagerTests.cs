using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed class AlertmanagerTests
{
    private const string Config = "deploy/alertmanager/alertmanager.example.yaml";

    [Fact]
    public async Task AmtoolCheckConfig_Example_Succeeds()
    {
        var result = await ToolRunner.RunAsync("amtool", ["check-config", Repository.PathOf(Config)]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" - 4 receivers", result.StandardOutput, StringComparison.Ordinal);
    }

    // The routing the example's comments promise: dependency alerts to the data owners,
    // pipeline alerts to the operators, critical ones of those paged.
    [Theory]
    [InlineData("StreamMIDependencyDrift", "warning", "streammi-data-owners")]
    [InlineData("StreamMIDependencyLost", "warning", "streammi-data-owners")]
    [InlineData("StreamMIDependencyAppeared", "warning", "streammi-data-owners")]
    [InlineData("StreamMIMonitorStalled", "critical", "streammi-operators-paging")]
    [InlineData("StreamMIConsumerLagGrowing", "warning", "streammi-operators")]
    [InlineData("StreamMISkippedEventsHigh", "warning", "streammi-operators")]
    [InlineData("SomethingElse", "critical", "streammi-default")]
    public async Task AmtoolRoutesTest_Alert_ReachesItsReceiver(string alert, string severity, string receiver)
    {
        var result = await ToolRunner.RunAsync(
            "amtool",
            [
                "config", "routes", "test",
                $"--config.file={Repository.PathOf(Config)}",
                $"--verify.receivers={receiver}",
                $"alertname={alert}", $"severity={severity}", "monitor=orders",
            ]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(receiver, result.StandardOutput.Trim());
    }
}
