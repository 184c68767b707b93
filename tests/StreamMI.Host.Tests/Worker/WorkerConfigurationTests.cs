using Microsoft.Extensions.Configuration;
using StreamMI.Host.Hosting;

namespace StreamMI.Host.Tests.Worker;

/// <summary>What the worker's host adds to the configuration it is given.</summary>
public sealed class WorkerConfigurationTests
{
    [Fact]
    public async Task Build_WatchesNoConfigurationFileForChanges()
    {
        // A file source that reloads on change keeps a FileSystemWatcher over its directory tree:
        // the working directory's, for the host's default appsettings.json.
        var settings = new Dictionary<string, string?>
        {
            ["StreamMI:Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["StreamMI:Monitors:0:Name"] = "config",
            ["StreamMI:Monitors:0:Topic"] = "events",
            ["StreamMI:Monitors:0:Target"] = "label",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var app = WorkerApplication.Build(WorkerApplication.ReadOptions(configuration), configuration);

        var root = Assert.IsAssignableFrom<IConfigurationRoot>(app.Configuration);
        var watched = root.Providers
            .OfType<FileConfigurationProvider>()
            .Where(p => p.Source.ReloadOnChange)
            .Select(p => p.Source.Path)
            .ToList();

        Assert.Empty(watched);
        Assert.Equal("label", app.Configuration["StreamMI:Monitors:0:Target"]);
    }
}
