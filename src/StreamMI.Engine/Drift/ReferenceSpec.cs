namespace StreamMI.Engine.Drift;

/// <summary>The reference window a monitor compares its current window with.</summary>
/// <param name="Kind">Frozen, first window or lagged.</param>
public sealed record ReferenceSpec(ReferenceKind Kind)
{
    /// <summary>For a lagged reference: how many panes it lags the current window by.</summary>
    public int LagPanes { get; init; }

    /// <summary>For a frozen reference: the counts and the discretisation they were made with.</summary>
    public ReferenceModel? Model { get; init; }

    /// <summary>A reference fixed from outside.</summary>
    public static ReferenceSpec Frozen(ReferenceModel model) => new(ReferenceKind.Frozen) { Model = model };

    /// <summary>The first full window of the stream.</summary>
    public static ReferenceSpec FirstWindow { get; } = new(ReferenceKind.FirstWindow);

    /// <summary>A window <paramref name="lagPanes"/> panes behind the current one.</summary>
    public static ReferenceSpec Lagged(int lagPanes) => new(ReferenceKind.Lagged) { LagPanes = lagPanes };

    /// <summary>Throws when the spec is incomplete.</summary>
    public void Validate()
    {
        if (Kind == ReferenceKind.Frozen && Model is null)
        {
            throw new ArgumentException("A frozen reference needs its counts.");
        }

        if (Kind == ReferenceKind.Lagged && (LagPanes < 1 || LagPanes > 100_000))
        {
            throw new ArgumentException($"A lagged reference must lag by 1 to 100000 panes; it lags by {LagPanes}.");
        }
    }
}
