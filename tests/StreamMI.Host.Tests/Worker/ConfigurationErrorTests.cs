using StreamMI.Host.Configuration;

namespace StreamMI.Host.Tests.Worker;

public sealed class ConfigurationErrorTests
{
    [Fact]
    public void Validate_MissingTopicAndBadWindow_NamesEachSetting()
    {
        var options = new StreamMIOptions
        {
            Kafka = { BootstrapServers = "127.0.0.1:9092" },
            Monitors = [new MonitorOptions { Target = "label", Window = "soon", Panes = 0 }],
        };

        var errors = OptionsValidator.Validate(options);

        Assert.Contains(errors, e => e.StartsWith("StreamMI:Monitors:0:Topic is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StreamMI:Monitors:0:Window 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StreamMI:Monitors:0:Panes must be 1 to 10000", StringComparison.Ordinal));
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public async Task Run_WithoutTopic_ExitsTwoWithMessageNamingTheSetting()
    {
        var stderr = new StringWriter();

        var code = await Cli.Commands.RunCommand.RunAsync(["--bootstrap-servers", "127.0.0.1:1", "--target", "label"], stderr);

        Assert.Equal(2, code);
        Assert.Contains("StreamMI:Monitors:0:Topic is required", stderr.ToString(), StringComparison.Ordinal);
    }
}
