namespace StreamMI.Engine.Drift;

/// <summary>Where a monitor's reference window comes from.</summary>
public enum ReferenceKind
{
    /// <summary>A frozen baseline given from outside, such as a reference file built from history.</summary>
    Frozen,

    /// <summary>The first full window of the stream, frozen when the window first fills.</summary>
    FirstWindow,

    /// <summary>A window of the same length a fixed number of panes earlier, moving with the stream.</summary>
    Lagged,
}
