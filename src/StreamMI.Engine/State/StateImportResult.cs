namespace StreamMI.Engine.State;

/// <summary>What restoring a partition's saved state did.</summary>
public sealed record StateImportResult
{
    private StateImportResult(string? problem)
    {
        Problem = problem;
    }

    /// <summary>The state was restored.</summary>
    public static StateImportResult Imported { get; } = new((string?)null);

    /// <summary>True when the state was restored.</summary>
    public bool Succeeded => Problem is null;

    /// <summary>
    /// Why the state does not fit this monitor (other fields, other bin edges, another window),
    /// as a sentence naming what differs; null when it was restored.
    /// </summary>
    public string? Problem { get; }

    /// <summary>A state that does not fit, and why.</summary>
    public static StateImportResult Incompatible(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new StateImportResult(problem);
    }
}
