namespace StreamMI.Host.State;

/// <summary>Why a saved partition state was not restored.</summary>
public enum StateRejection
{
    /// <summary>The bytes are damaged: wrong marker, length or checksum, or unreadable contents.</summary>
    Corrupt,

    /// <summary>
    /// The bytes are sound but do not fit this worker: another format version, other fields,
    /// other bin edges, another window.
    /// </summary>
    Incompatible,
}
