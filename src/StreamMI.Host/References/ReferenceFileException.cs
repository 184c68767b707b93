namespace StreamMI.Host.References;

/// <summary>A reference file cannot be used: unreadable, not a reference, another version, or inconsistent.</summary>
public sealed class ReferenceFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReferenceFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ReferenceFileException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ReferenceFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
