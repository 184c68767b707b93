using StreamMI.Engine.Drift;
using StreamMI.Engine.Windows;
using StreamMI.Host.Configuration;

namespace StreamMI.Host.References;

/// <summary>
/// Reads a monitor's <c>Reference</c> setting: <c>first-window</c>, <c>lagged:DURATION</c>, or the
/// path of a reference file.
/// </summary>
public static class ReferenceSetting
{
    /// <summary>The setting's value for the first full window.</summary>
    public const string FirstWindow = "first-window";

    /// <summary>The prefix of a lagged reference's setting.</summary>
    public const string LaggedPrefix = "lagged:";

    /// <summary>
    /// The reference a setting asks for, or null for none. Throws <see cref="ConfigurationException"/>
    /// with a message that starts with <paramref name="key"/> when the setting cannot work with
    /// <paramref name="window"/>, or when the file cannot be read.
    /// </summary>
    public static ReferenceSpec? Parse(string? value, WindowSpec window, string key)
    {
        ArgumentNullException.ThrowIfNull(window);

        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (string.Equals(value, FirstWindow, StringComparison.OrdinalIgnoreCase))
        {
            if (window.Mode == WindowMode.WholeStream)
            {
                throw new ConfigurationException($"{key} is first-window, but a whole-stream window never fills; use a sliding or tumbling window, or a reference file.");
            }

            return ReferenceSpec.FirstWindow;
        }

        if (value.StartsWith(LaggedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return ReferenceSpec.Lagged(LagPanes(value[LaggedPrefix.Length..], window, key));
        }

        if (window.Mode == WindowMode.WholeStream)
        {
            // The worker evaluates drift at pane boundaries; a whole-stream window has none.
            throw new ConfigurationException($"{key} is a reference file, but a whole-stream window has no panes at which to compare with it; use a sliding or tumbling window (streammi scan --reference compares a whole file).");
        }

        try
        {
            return ReferenceSpec.Frozen(ReferenceFile.Load(value));
        }
        catch (ReferenceFileException ex)
        {
            throw new ConfigurationException($"{key}: {ex.Message}", ex);
        }
    }

    private static int LagPanes(string text, WindowSpec window, string key)
    {
        if (window.Mode == WindowMode.WholeStream)
        {
            throw new ConfigurationException($"{key} is lagged, but a whole-stream window has no panes to lag by; use a sliding or tumbling window, or a reference file.");
        }

        if (!Durations.TryParse(text, out var lag))
        {
            throw new ConfigurationException($"{key} 'lagged:{text}' needs a duration after 'lagged:' (such as lagged:1h or lagged:15m).");
        }

        var pane = window.PaneMilliseconds;
        var ms = (long)Math.Round(lag.TotalMilliseconds);
        if (ms % pane != 0 || ms / pane < 1 || ms / pane > 100_000)
        {
            throw new ConfigurationException(
                $"{key} 'lagged:{text}' must lag by a whole number of panes, 1 to 100000; a pane here is {TimeSpan.FromMilliseconds(pane)}.");
        }

        return (int)(ms / pane);
    }
}
