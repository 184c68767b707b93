using System.Diagnostics;

namespace StreamMI.Engine.Tests;

/// <summary>
/// Runs a script with the system Python (/usr/bin/python3), for tests that compare the
/// engine with an independent implementation such as scikit-learn.
/// </summary>
internal static class PythonScript
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="standardInput"/> on its standard
    /// input and returns its standard output; throws with the script's error output if it
    /// exits with a non-zero code.
    /// </summary>
    public static string Run(string script, string standardInput)
    {
        if (!File.Exists(Interpreter))
        {
            throw new InvalidOperationException(
                $"{Interpreter} is missing; install python3 and python3-sklearn.");
        }

        string scriptPath = Path.Combine(
            Path.GetTempPath(),
            $"streammi-test-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var start = new ProcessStartInfo(Interpreter)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(scriptPath);

            using var process = Process.Start(start)
                ?? throw new InvalidOperationException($"Could not start {Interpreter}.");

            // Read both pipes while writing, so that neither side blocks on a full buffer.
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(standardInput);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // By design: a script that fails early (say, on an import) closes its end of
                // the pipe; its exit code and error output below say why.
            }

            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The Python script ran for more than {Timeout}.");
            }

            string stdout = output.GetAwaiter().GetResult();
            string stderr = error.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The Python script exited with code {process.ExitCode}:\n{stderr}");
            }

            return stdout;
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
