using System.Net;
using System.Text.Json;
using StreamMI.Host.Demo;

namespace StreamMI.Host.Tests.Worker;

/// <summary>The worker riding out a broker that goes down and comes back mid-stream.</summary>
public sealed class BrokerFaultTests
{
    [Fact]
    public async Task Worker_BrokerDownThenUpMidStream_CountsEveryEventExactlyOnceAndReportsNotReady()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Target"] = "label",
            ["Exclude:0"] = "ts",
            ["Exclude:1"] = "amount",
            ["Categorical:0"] = "*",
            ["WindowMode"] = "whole-stream",
        };
        await using var harness = await WorkerHarness.StartAsync(partitions: 3, settings);
        var generator = new SyntheticEvents(seed: 9);
        var first = Enumerable.Range(0, 5000).Select(i => generator.Next(i)).ToList();
        var second = Enumerable.Range(0, 5000).Select(i => generator.Next(i)).ToList();

        harness.Produce(first);
        await harness.WaitForAsync(m => Counted(m) >= 5000, TimeSpan.FromSeconds(60));
        harness.Cluster.SetBrokerDown(1);

        // The producer buffers and retries while the broker is down; send in the background.
        var producing = Task.Run(() => harness.Produce(second));
        var sawNotReady = await PollReadinessAsync(harness, expected: HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        harness.Cluster.SetBrokerUp(1);
        await producing;
        var monitor = await harness.WaitForAsync(m => Counted(m) >= 10_000, TimeSpan.FromSeconds(90));
        var readyAgain = await PollReadinessAsync(harness, expected: HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        // One consumer that never restarts re-fetches from its own position after the outage,
        // so at-least-once delivery gives no duplicates here: exactly the events produced.
        Assert.Equal(10_000, Counted(monitor));
        Assert.Equal(10_000, monitor.GetProperty("window").GetProperty("events").GetInt64());
        Assert.True(sawNotReady, "/healthz/ready should answer 503 while the only broker is down");
        Assert.True(readyAgain, "/healthz/ready should answer 200 once the broker is back");
    }

    private static async Task<bool> PollReadinessAsync(WorkerHarness harness, HttpStatusCode expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await harness.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
            if (response.StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static long Counted(JsonElement monitor) =>
        monitor.TryGetProperty("counted", out var counted) ? counted.GetInt64() : 0;
}
