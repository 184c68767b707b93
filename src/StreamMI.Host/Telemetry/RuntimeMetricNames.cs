using OpenTelemetry.Metrics;

namespace StreamMI.Host.Telemetry;

/// <summary>
/// Renames the .NET runtime instruments whose names Prometheus' own lint rejects, so that
/// <c>promtool check metrics</c> passes on a scrape of the worker.
/// </summary>
/// <remarks>
/// The runtime's meter (<c>System.Runtime</c>) publishes a few up-down counters whose names end
/// in <c>.count</c>. The Prometheus exporter turns them into gauges named <c>..._count</c>, and
/// Prometheus reserves that suffix for the count series of histograms and summaries, so
/// <c>promtool check metrics</c> fails on them (and a query tool may take them for one). Each is
/// renamed to the plural of what it counts; values, units and attributes are unchanged. A view
/// applies to every reader, so OTLP export carries the new names too, not the runtime's own.
/// </remarks>
public static class RuntimeMetricNames
{
    /// <summary>The runtime instrument names that are renamed, and their new names.</summary>
    public static IReadOnlyDictionary<string, string> Renamed { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet.thread_pool.threads",
        ["dotnet.timer.count"] = "dotnet.timers",
    };

    /// <summary>Adds one view per renamed instrument.</summary>
    public static MeterProviderBuilder AddRuntimeMetricRenames(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        foreach (var (instrument, name) in Renamed)
        {
            builder.AddView(instrument, name);
        }

        return builder;
    }
}
