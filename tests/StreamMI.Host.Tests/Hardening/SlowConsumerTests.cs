using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StreamMI.Host.Configuration;
using StreamMI.Host.Demo;
using StreamMI.Host.Kafka;
using StreamMI.Host.Pipeline;
using StreamMI.Host.Tests.Worker;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// A counting stage that stops keeping up: what the worker holds stays within its channel
/// capacities, the consume loop stops polling, lag shows the backlog and readiness the stall.
/// </summary>
/// <remarks>
/// With one decoding lane and channel capacity C, a stalled counting stage holds exactly
/// 2C + 3 messages: one in the counting stage, C in the counting channel, one decoded in the
/// lane waiting to be written, C in the lane's channel, and one in the consume loop's blocked
/// hand-over (already counted as consumed).
/// </remarks>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task Pipeline_CountingStalledUnderLargeMessages_KeepsExactlyTwoCapacitiesPlusThreeAlive()
    {
        const int capacity = 16;
        const int payloadBytes = 64 * 1024;
        var gate = new GatedObserver();
        var pipeline = new MonitorPipeline(Monitor(), capacity, NullLogger.Instance, gate);
        var alive = new List<WeakReference<byte[]>>();
        pipeline.Start();

        // The producer would hand over 2,000 messages of 64 KiB (125 MiB) if nothing held it.
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var value = Payload(i, payloadBytes);
                lock (alive)
                {
                    alive.Add(new WeakReference<byte[]>(value));
                }

                pipeline.Enqueue(new InboundMessage(0, i, 1_700_000_000_000 + i, value, 0), CancellationToken.None);
            }
        });
        await WaitUntilAsync(() => pipeline.Consumed == 2 * capacity + 3 && gate.Seen == 1, TimeSpan.FromSeconds(30));
        var heldWhileStalled = CountAlive(alive);
        var consumedWhileStalled = pipeline.Consumed;

        gate.Open();
        await producer;
        await pipeline.CompleteAsync();
        var heldAfterDrain = CountAlive(alive);

        Assert.Equal(2 * capacity + 3, consumedWhileStalled);
        Assert.InRange(heldWhileStalled, 0, 2 * capacity + 3);
        Assert.Equal(2000, pipeline.Engine!.Counted);

        // Nothing accumulates: once drained, at most the last message of each finished stage
        // (the lane and the counting stage) is still referenced from that stage's loop state.
        Assert.InRange(heldAfterDrain, 0, 2);
    }

    [Fact]
    public async Task Worker_CountingStalled_ReportsTheBacklogAsLagAndTurnsNotReadyThenCatchesUp()
    {
        const int capacity = 32;
        const int events = 3000;
        var gate = new GatedObserver();
        var clock = new ShiftedTimeProvider();
        var monitor = new Dictionary<string, string?>
        {
            ["Target"] = "label",
            ["Exclude:0"] = "ts",
            ["Categorical:0"] = "*",
            ["WindowMode"] = "whole-stream",
        };
        var worker = new Dictionary<string, string?>
        {
            ["ChannelCapacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var harness = await WorkerHarness.StartAsync(partitions: 1, monitor, worker, services =>
        {
            WorkerServices.UseObserver(services, gate);
            services.AddSingleton<TimeProvider>(clock);
        });
        var pipeline = harness.App.Services.GetServices<KafkaMonitorService>().Single().Pipeline;
        var generator = new SyntheticEvents(seed: 21);
        try
        {
            harness.Produce(Enumerable.Range(0, events).Select(i => generator.Next(i)).ToList());

            // Lag is the high watermark the client last saw minus the next offset it consumed.
            var stalled = await harness.WaitForAsync(
                m => pipeline.Consumed == 2 * capacity + 3 && LagTotal(m) == events - (2 * capacity + 3),
                TimeSpan.FromSeconds(60));
            clock.Advance(TimeSpan.FromMinutes(1));
            using var whileStalled = await harness.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
            gate.Open();
            var done = await harness.WaitForAsync(
                m => BrokerFaultHardeningTests.Counted(m) >= events && LagTotal(m) == 0,
                TimeSpan.FromSeconds(60));

            // Caught up on a quiet topic: still ready long after the last event.
            clock.Advance(TimeSpan.FromMinutes(10));
            using var quiet = await harness.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));

            Assert.Equal(1, BrokerFaultHardeningTests.Counted(stalled));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, whileStalled.StatusCode);
            Assert.Equal(events, BrokerFaultHardeningTests.Counted(done));
            Assert.Equal(HttpStatusCode.OK, quiet.StatusCode);
        }
        finally
        {
            gate.Open();
        }
    }

    internal static MonitorOptions Monitor() => new()
    {
        Name = "slow",
        Topic = "slow",
        Target = "label",
        Features = ["colour"],
        Categorical = ["colour"],
        WindowMode = "whole-stream",
    };

    private static byte[] Payload(int i, int bytes)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"label\":\"l{i % 3}\",\"colour\":\"c{i % 5}\",\"pad\":\"");
        var value = new byte[bytes];
        head.CopyTo(value, 0);
        value.AsSpan(head.Length, bytes - head.Length - 2).Fill((byte)'x');
        value[^2] = (byte)'"';
        value[^1] = (byte)'}';
        return value;
    }

    private static int CountAlive(List<WeakReference<byte[]>> references)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        lock (references)
        {
            return references.Count(r => r.TryGetTarget(out _));
        }
    }

    private static long LagTotal(System.Text.Json.JsonElement monitor) =>
        monitor.TryGetProperty("lag", out var lag) ? lag.EnumerateObject().Sum(p => p.Value.GetInt64()) : -1;

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(20);
        }
    }
}
