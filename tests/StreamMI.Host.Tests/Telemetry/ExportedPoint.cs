namespace StreamMI.Host.Tests.Telemetry;

/// <summary>One exported data point: its attributes and its number.</summary>
internal sealed record ExportedPoint(IReadOnlyDictionary<string, string> Tags, double Value)
{
    /// <summary>The value of attribute <paramref name="key"/>, or null.</summary>
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value : null;
}
