namespace StreamMI.Deploy.Tests.Tools;

/// <summary>What a finished tool printed, and how it exited.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the tool printed, for assertion messages.</summary>
    public string Output => $"$ {Command}\n(exit code {ExitCode})\n{StandardOutput}{StandardError}";
}
