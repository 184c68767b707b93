namespace StreamMI.Host.Configuration;

/// <summary>A setting that stops start-up. The message names the setting and says what is wrong.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
