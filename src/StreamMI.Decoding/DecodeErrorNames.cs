namespace StreamMI.Decoding;

/// <summary>
/// The stable snake_case reason name of each <see cref="DecodeError"/>. These names appear
/// in output and metric attributes, so they never change once published.
/// </summary>
public static class DecodeErrorNames
{
    /// <summary>Every error except <see cref="DecodeError.None"/>, in declaration
    /// order.</summary>
    public static IReadOnlyList<DecodeError> AllErrors { get; } =
    [
        DecodeError.MalformedJson,
        DecodeError.InvalidUtf8,
        DecodeError.NotAnObject,
        DecodeError.TooDeep,
        DecodeError.Oversized,
        DecodeError.MalformedCsvRow,
        DecodeError.WrongFieldCount,
    ];

    /// <summary>The reason name, e.g. <c>malformed_json</c>; <c>none</c> for
    /// success.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined member.
    /// </exception>
    public static string ToReasonName(this DecodeError error) => error switch
    {
        DecodeError.None => "none",
        DecodeError.MalformedJson => "malformed_json",
        DecodeError.InvalidUtf8 => "invalid_utf8",
        DecodeError.NotAnObject => "not_an_object",
        DecodeError.TooDeep => "too_deep",
        DecodeError.Oversized => "oversized",
        DecodeError.MalformedCsvRow => "malformed_csv_row",
        DecodeError.WrongFieldCount => "wrong_field_count",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Unknown error."),
    };

    /// <summary>Finds the error whose reason name is <paramref name="reasonName"/>
    /// (exact, case-sensitive).</summary>
    public static bool TryParse(string? reasonName, out DecodeError error)
    {
        if (reasonName == "none")
        {
            error = DecodeError.None;
            return true;
        }

        foreach (var candidate in AllErrors)
        {
            if (candidate.ToReasonName() == reasonName)
            {
                error = candidate;
                return true;
            }
        }

        error = DecodeError.None;
        return false;
    }
}
