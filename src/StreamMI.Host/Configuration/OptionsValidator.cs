using StreamMI.Engine.Drift;
using StreamMI.Host.References;

namespace StreamMI.Host.Configuration;

/// <summary>
/// Checks the worker's settings before anything starts. Each problem is one sentence that names
/// the setting by its configuration key, so it can be fixed in appsettings.json, the environment
/// (<c>StreamMI__Monitors__0__Topic</c>) or the command line alike.
/// </summary>
public static class OptionsValidator
{
    /// <summary>Every problem found; empty when the settings can run.</summary>
    public static IReadOnlyList<string> Validate(StreamMIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var errors = new List<string>();
        if (options.Monitors.Count == 0)
        {
            errors.Add("StreamMI:Monitors is empty: configure at least one monitor (or pass --topic and --target).");
        }

        if (string.IsNullOrWhiteSpace(options.Kafka.BootstrapServers))
        {
            errors.Add("StreamMI:Kafka:BootstrapServers is required (or pass --bootstrap-servers).");
        }

        if (options.HttpPort is < 0 or > 65535)
        {
            errors.Add($"StreamMI:HttpPort must be 0 to 65535; it is {options.HttpPort}.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            errors.Add("StreamMI:ShutdownTimeout must be positive.");
        }

        if (options.Kafka.CommitInterval <= TimeSpan.Zero)
        {
            errors.Add("StreamMI:Kafka:CommitInterval must be positive.");
        }

        if (options.MaxFeaturesPerMonitor is < 1 or > 10_000)
        {
            errors.Add($"StreamMI:MaxFeaturesPerMonitor must be 1 to 10000; it is {options.MaxFeaturesPerMonitor}.");
        }

        if (options.ChannelCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"StreamMI:ChannelCapacity must be 1 to 1000000; it is {options.ChannelCapacity}.");
        }

        options.State.AddProblems(options, errors);

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Monitors.Count; i++)
        {
            var m = options.Monitors[i];
            var key = $"StreamMI:Monitors:{i}";
            if (string.IsNullOrWhiteSpace(m.Topic))
            {
                errors.Add($"{key}:Topic is required (or pass --topic).");
            }

            if (string.IsNullOrWhiteSpace(m.Target))
            {
                errors.Add($"{key}:Target is required (or pass --target).");
            }

            if (!names.Add(m.DisplayName))
            {
                errors.Add($"{key}:Name '{m.DisplayName}' is used by two monitors; names must differ.");
            }

            ValidateMonitor(m, key, errors);
        }

        return errors;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> with every problem when there is one.</summary>
    public static void ThrowIfInvalid(StreamMIOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, errors));
        }
    }

    private static void ValidateMonitor(MonitorOptions m, string key, List<string> errors)
    {
        var mode = m.WindowMode.Trim().ToLowerInvariant();
        if (mode is not ("sliding" or "tumbling" or "whole-stream"))
        {
            errors.Add($"{key}:WindowMode must be sliding, tumbling or whole-stream; it is '{m.WindowMode}'.");
        }

        if (mode != "whole-stream" && !Durations.TryParse(m.Window, out _))
        {
            errors.Add($"{key}:Window '{m.Window}' is not a duration (use 500ms, 30s, 15m, 1h, 2d or hh:mm:ss).");
        }

        if (m.Panes is < 1 or > 10_000)
        {
            errors.Add($"{key}:Panes must be 1 to 10000; it is {m.Panes}.");
        }

        if (m.Bins is < 2 or > 1000)
        {
            errors.Add($"{key}:Bins must be 2 to 1000; it is {m.Bins}.");
        }

        if (m.LevelCap is < 1 or > 1_000_000)
        {
            errors.Add($"{key}:LevelCap must be 1 to 1000000; it is {m.LevelCap}.");
        }

        if (m.WarmUpEvents is < 1 or > 10_000_000)
        {
            errors.Add($"{key}:WarmUpEvents must be 1 to 10000000; it is {m.WarmUpEvents}.");
        }

        if (m.MaxMessageBytes is < 16 or > 100 << 20)
        {
            errors.Add($"{key}:MaxMessageBytes must be 16 to 104857600; it is {m.MaxMessageBytes}.");
        }

        if (m.Decoders is < 1 or > 64)
        {
            errors.Add($"{key}:Decoders must be 1 to 64; it is {m.Decoders}.");
        }

        foreach (var (field, edges) in m.Edges)
        {
            for (var i = 1; i < edges.Count; i++)
            {
                if (!(edges[i] > edges[i - 1]))
                {
                    errors.Add($"{key}:Edges:{field} must be strictly increasing.");
                    break;
                }
            }
        }

        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (list, kind) in new[] { (m.Categorical, "Categorical"), (m.Numeric, "Numeric"), (m.Boolean, "Boolean") })
        {
            foreach (var field in list.Where(f => f != "*"))
            {
                if (!kinds.TryAdd(field, kind))
                {
                    errors.Add($"{key}: field '{field}' is listed as both {kinds[field]} and {kind}.");
                }
            }
        }

        if (m.Target is { } target && m.Features.Contains(target, StringComparer.Ordinal))
        {
            errors.Add($"{key}:Features lists the target '{target}'; the target cannot be a feature.");
        }

        if (m.RedundancyTopK is < 0 or > 64)
        {
            errors.Add($"{key}:RedundancyTopK must be 0 to 64; it is {m.RedundancyTopK}.");
        }

        m.Drift.Validate($"{key}:Drift", errors);
        ValidateReference(m, key, errors);
    }

    private static void ValidateReference(MonitorOptions m, string key, List<string> errors)
    {
        // The reference needs a valid window to be judged against; a bad window is reported already.
        var mode = m.WindowMode.Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(m.Reference)
            || m.Panes is < 1 or > 10_000
            || (mode != "whole-stream" && !Durations.TryParse(m.Window, out _)))
        {
            return;
        }

        ReferenceSpec? spec;
        var window = WindowSettings.From(m);
        try
        {
            window.Validate();
            spec = ReferenceSetting.Parse(m.Reference, window, $"{key}:Reference");
        }
        catch (ArgumentException)
        {
            return;
        }
        catch (ConfigurationException ex)
        {
            errors.Add(ex.Message);
            return;
        }

        if (spec?.Model is not { } model || string.IsNullOrWhiteSpace(m.Target))
        {
            return;
        }

        try
        {
            var schema = ReferenceSelection.BuildSchema(
                FeatureSelection.From(m), model, m.DisplayName, [], _ => null, window, Math.Max(1, m.WarmUpEvents));
            foreach (var mismatch in model.Mismatches(schema))
            {
                errors.Add($"{key}:Reference '{m.Reference}' does not match the monitor: {mismatch}");
            }
        }
        catch (ConfigurationException ex)
        {
            errors.Add($"{key}:Reference '{m.Reference}' does not match the monitor: {ex.Message}");
        }
    }
}
