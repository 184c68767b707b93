namespace StreamMI.Cli.Commands;

/// <summary>The input cannot be analysed (missing file, unknown target, empty input); exit code 1.</summary>
internal sealed class InputException(string message) : Exception(message)
{
    public InputException()
        : this("The input cannot be read.")
    {
    }

    public InputException(string message, Exception inner)
        : this(message + " " + inner.Message)
    {
    }
}
