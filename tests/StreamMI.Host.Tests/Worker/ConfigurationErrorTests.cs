using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

    [Fact]
    public async Task Run_HttpPortTaken_ExitsTwoWithMessageNamingTheSetting()
    {
        // Another process holds the port: start-up stops with the setting named, where it used
        // to end in an unhandled exception and an abort.
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var stderr = new StringWriter();

        var code = await Cli.Commands.RunCommand.RunAsync(
            ["--bootstrap-servers", "127.0.0.1:1", "--topic", "t", "--target", "label",
             "--http-address", "127.0.0.1", "--http-port", port],
            stderr).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains($"StreamMI:HttpPort {port} on StreamMI:HttpAddress 127.0.0.1", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("address already in use", stderr.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
