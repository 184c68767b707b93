using StreamMI.Host.Configuration;

namespace StreamMI.Host.Tests.State;

public sealed class StateOptionsTests
{
    [Fact]
    public void Validate_NoStateConfigured_AddsNothingAndLeavesStateOff()
    {
        var options = Options(new StateOptions());

        Assert.Empty(OptionsValidator.Validate(options));
        Assert.False(options.State.Enabled);
    }

    [Theory]
    [InlineData("state", null, "250ms", 0.25)]
    [InlineData(null, "/var/lib/streammi", "00:01:00", 60)]
    public void Validate_TopicOrDirectoryWithInterval_IsValid(string? topic, string? directory, string interval, double seconds)
    {
        var options = Options(new StateOptions { Topic = topic, Directory = directory, Interval = interval });

        Assert.Empty(OptionsValidator.Validate(options));
        Assert.True(options.State.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.State.IntervalValue);
    }

    [Theory]
    [InlineData("state", "/tmp/s", "10s", "StreamMI:State:Topic and StreamMI:State:Directory are both set")]
    [InlineData("state", null, "soon", "StreamMI:State:Interval 'soon' is not a duration")]
    [InlineData("state", null, "10ms", "StreamMI:State:Interval must be 50ms to 1 day; it is 10ms.")]
    [InlineData("my state", null, "10s", "StreamMI:State:Topic 'my state' is not a Kafka topic name")]
    [InlineData("events", null, "10s", "StreamMI:State:Topic 'events' is also the input of StreamMI:Monitors:0:Topic")]
    [InlineData(null, "bad\0path", "10s", "StreamMI:State:Directory 'bad\0path' is not a usable path")]
    public void Validate_BadStateSetting_OneSentenceNamingIt(string? topic, string? directory, string interval, string expected)
    {
        var options = Options(new StateOptions { Topic = topic, Directory = directory, Interval = interval });

        var error = Assert.Single(OptionsValidator.Validate(options));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    private static StreamMIOptions Options(StateOptions state) => new()
    {
        Kafka = { BootstrapServers = "127.0.0.1:9092" },
        Monitors = [new MonitorOptions { Topic = "events", Target = "label" }],
        State = state,
    };
}
