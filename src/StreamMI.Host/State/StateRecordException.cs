namespace StreamMI.Host.State;

/// <summary>A saved partition state that cannot be read, and why.</summary>
public sealed class StateRecordException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateRecordException(StateRejection rejection, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Rejection = rejection;
    }

    /// <summary>Creates the exception.</summary>
    public StateRecordException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StateRecordException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StateRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Corrupt or incompatible.</summary>
    public StateRejection Rejection { get; }
}
