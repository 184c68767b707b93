namespace StreamMI.Engine.Monitoring;

/// <summary>Stable snake_case names of <see cref="SkipReason"/> values, used in output and metrics.</summary>
public static class SkipReasons
{
    private static readonly string[] s_names =
    [
        "malformed_json",
        "invalid_utf8",
        "not_an_object",
        "too_deep",
        "oversized",
        "malformed_csv_row",
        "wrong_field_count",
        "missing_target",
        "wrong_type",
        "missing_timestamp",
        "empty_message",
        "future_timestamp",
        "window_full",
    ];

    /// <summary>Every reason, in declaration order.</summary>
    public static IReadOnlyList<SkipReason> All { get; } = Enum.GetValues<SkipReason>();

    /// <summary>The reason's name, for example <c>malformed_json</c>.</summary>
    public static string Name(SkipReason reason) => s_names[(int)reason];
}
