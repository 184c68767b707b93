namespace StreamMI.Host.Configuration;

/// <summary>
/// Where window state is saved, bound from <c>StreamMI:State</c>. Without a topic or a directory
/// nothing is saved and a restarted worker starts from an empty window.
/// </summary>
public sealed class StateOptions
{
    /// <summary>
    /// A compacted Kafka topic that keeps every monitor's partition states; every replica of the
    /// worker reads all of it and so exports MI over the whole stream.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>A directory of state files, for one worker without a state topic.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// How often owned partitions' states are saved (then their offsets committed), such as
    /// <c>10s</c> or <c>00:00:10</c>. Also saved when partitions are revoked and on shutdown.
    /// </summary>
    public string Interval { get; set; } = "10s";

    /// <summary>True when a topic or a directory is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Topic) || !string.IsNullOrWhiteSpace(Directory);

    /// <summary>The parsed <see cref="Interval"/> of validated settings.</summary>
    public TimeSpan IntervalValue => Durations.TryParse(Interval, out var value) ? value : TimeSpan.FromSeconds(10);

    /// <summary>Adds one sentence per problem, naming the setting.</summary>
    internal void AddProblems(StreamMIOptions options, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(Topic) && !string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add("StreamMI:State:Topic and StreamMI:State:Directory are both set; use the topic "
                + "(for one or more replicas) or the directory (for one worker), not both.");
        }

        if (!Durations.TryParse(Interval, out var interval))
        {
            errors.Add($"StreamMI:State:Interval '{Interval}' is not a duration (use 500ms, 30s, 15m, 1h or hh:mm:ss).");
        }
        else if (interval < TimeSpan.FromMilliseconds(50) || interval > TimeSpan.FromDays(1))
        {
            errors.Add($"StreamMI:State:Interval must be 50ms to 1 day; it is {Interval}.");
        }

        if (!string.IsNullOrWhiteSpace(Topic))
        {
            var topic = Topic.Trim();
            if (topic.Length > 249 || topic is "." or ".."
                || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                errors.Add($"StreamMI:State:Topic '{Topic}' is not a Kafka topic name "
                    + "(letters, digits, '.', '_' and '-', at most 249 characters).");
            }

            for (var i = 0; i < options.Monitors.Count; i++)
            {
                if (string.Equals(options.Monitors[i].Topic, topic, StringComparison.Ordinal))
                {
                    errors.Add($"StreamMI:State:Topic '{Topic}' is also the input of StreamMI:Monitors:{i}:Topic; "
                        + "window state needs a topic of its own.");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(Directory))
        {
            try
            {
                _ = Path.GetFullPath(Directory);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                errors.Add($"StreamMI:State:Directory '{Directory}' is not a usable path ({ex.Message}).");
            }
        }
    }
}
