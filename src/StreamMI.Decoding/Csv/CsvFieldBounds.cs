namespace StreamMI.Decoding.Csv;

/// <summary>Where one field of the current row lies in the reader's buffer, once unquoted.
/// </summary>
internal struct CsvFieldBounds
{
    public int Start;

    public int Length;

    public bool Quoted;

    // A quoted field that holds "" pairs, still to be collapsed in place.
    public bool HasEscapedQuotes;
}
