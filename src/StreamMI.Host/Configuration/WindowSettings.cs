using StreamMI.Engine.Windows;

namespace StreamMI.Host.Configuration;

/// <summary>Turns a monitor's window settings into a <see cref="WindowSpec"/>.</summary>
public static class WindowSettings
{
    /// <summary>The window of a monitor whose settings have been validated.</summary>
    public static WindowSpec From(MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var mode = options.WindowMode.Trim().ToLowerInvariant();
        if (mode == "whole-stream")
        {
            return WindowSpec.WholeStream;
        }

        if (!Durations.TryParse(options.Window, out var length))
        {
            throw new ConfigurationException($"Window '{options.Window}' is not a duration.");
        }

        return mode == "tumbling" ? WindowSpec.Tumbling(length) : WindowSpec.Sliding(length, options.Panes);
    }
}
