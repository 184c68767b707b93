using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamMI.Host.Configuration;
using StreamMI.Host.Kafka;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>Test-only changes to the worker's services.</summary>
internal static class WorkerServices
{
    /// <summary>
    /// Replaces the worker's single monitor with one whose pipeline reports to
    /// <paramref name="observer"/>, so that a test can slow or stall its counting stage.
    /// </summary>
    public static void UseObserver(IServiceCollection services, IPipelineObserver observer)
    {
        var existing = services.Where(d => d.ServiceType == typeof(KafkaMonitorService)).ToList();
        foreach (var descriptor in existing)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<StreamMIOptions>();
            var monitor = options.Monitors.Single();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var time = sp.GetRequiredService<TimeProvider>();
            var pipeline = new MonitorPipeline(
                monitor,
                options.ChannelCapacity,
                loggers.CreateLogger<MonitorPipeline>(),
                observer,
                time: time);
            return new KafkaMonitorService(
                pipeline,
                monitor,
                options,
                loggers.CreateLogger<KafkaMonitorService>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                time);
        });
    }
}
