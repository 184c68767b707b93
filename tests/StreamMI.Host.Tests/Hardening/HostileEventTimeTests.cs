using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// One event stamped far in the future, from a broken producer clock or microseconds taken
/// for milliseconds: it must not move a sliding window past every real event.
/// </summary>
public sealed class HostileEventTimeTests
{
    private static readonly DateTimeOffset s_now = new(2026, 5, 8, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("9.2e18")]
    [InlineData("1778241600000000")]
    public async Task Pipeline_OneEventFarInTheFuture_IsSkippedAndTheWindowKeepsCounting(string futureTime)
    {
        var options = Options(eventTimeField: "ts");
        var pipeline = new MonitorPipeline(options, channelCapacity: 64, NullLogger.Instance, time: new FakeTimeProvider(s_now));
        var nowMs = s_now.ToUnixTimeMilliseconds();
        pipeline.Start();

        for (var i = 0; i < 2001; i++)
        {
            var ts = i == 1000 ? futureTime : (nowMs - 30_000 + (i * 10)).ToString(CultureInfo.InvariantCulture);
            var json = $"{{\"colour\":\"c{i % 3}\",\"label\":\"l{i % 2}\",\"ts\":{ts}}}";
            pipeline.Enqueue(new InboundMessage(0, i, nowMs, Encoding.UTF8.GetBytes(json), 0), CancellationToken.None);
        }

        await pipeline.CompleteAsync();
        var snapshot = pipeline.Snapshot()!;

        Assert.Equal(2000, snapshot.Counted);
        Assert.Equal(0, snapshot.Late);
        Assert.Equal(1, snapshot.Skipped["future_timestamp"]);
        Assert.Equal(2000, snapshot.WindowEvents);
    }

    [Fact]
    public async Task Pipeline_KafkaTimestampFarAhead_IsSkippedButOneWithinAWindowIsCounted()
    {
        var pipeline = new MonitorPipeline(
            Options(eventTimeField: null), channelCapacity: 64, NullLogger.Instance, time: new FakeTimeProvider(s_now));
        var nowMs = s_now.ToUnixTimeMilliseconds();
        var value = "{\"colour\":\"c1\",\"label\":\"l1\"}"u8.ToArray();
        pipeline.Start();

        // The window is 10 minutes: 9 minutes ahead is within it, 11 minutes is not.
        pipeline.Enqueue(new InboundMessage(0, 0, nowMs, value, 0), CancellationToken.None);
        pipeline.Enqueue(new InboundMessage(0, 1, nowMs + 540_000, value, 0), CancellationToken.None);
        pipeline.Enqueue(new InboundMessage(0, 2, nowMs + 660_000, value, 0), CancellationToken.None);
        pipeline.Enqueue(new InboundMessage(0, 3, nowMs, value, 0), CancellationToken.None);
        await pipeline.CompleteAsync();
        var snapshot = pipeline.Snapshot()!;

        Assert.Equal(3, snapshot.Counted);
        Assert.Equal(1, snapshot.Skipped["future_timestamp"]);
    }

    private static MonitorOptions Options(string? eventTimeField) => new()
    {
        Name = "time",
        Topic = "time",
        Target = "label",
        Features = ["colour"],
        Categorical = ["colour"],
        WindowMode = "sliding",
        Window = "10m",
        Panes = 10,
        EventTimeField = eventTimeField,
    };
}
