using Microsoft.Extensions.Hosting;
using StreamMI.Host.Kafka;

namespace StreamMI.Host.Hosting;

/// <summary>Starts and stops every monitor's consume loop as one hosted service.</summary>
internal sealed class MonitorServices(IEnumerable<KafkaMonitorService> services) : IHostedService
{
    private readonly KafkaMonitorService[] _services = [.. services];

    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_services.Select(s => s.StartAsync(cancellationToken)));

    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_services.Select(s => s.StopAsync(cancellationToken)));
}
