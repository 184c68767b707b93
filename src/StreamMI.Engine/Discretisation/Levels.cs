namespace StreamMI.Engine.Discretisation;

/// <summary>Level numbers every encoder shares.</summary>
public static class Levels
{
    /// <summary>A missing value (absent, empty, JSON null, NaN) is always level 0, a level of its own.</summary>
    public const int Missing = 0;

    /// <summary>The name reports give the missing level.</summary>
    public const string MissingName = "(missing)";
}
