namespace StreamMI.Cli.Commands;

/// <summary>The command line itself is wrong: the message says how, and the exit code is 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("Invalid usage.")
    {
    }

    public UsageException(string message, Exception inner)
        : this(message + " " + inner.Message)
    {
    }
}
