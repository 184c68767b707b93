namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>Finds the executables the end-to-end tests run.</summary>
internal static class TestTools
{
    /// <summary>
    /// The full path of <paramref name="name"/> on PATH (or in /usr/bin), or an exception that
    /// says how to install it.
    /// </summary>
    public static string Require(string name, string debianPackage)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin");
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' is not installed, and the end-to-end tests need it. Install Debian's "
            + $"'{debianPackage}' package (scripts/test.sh does so when run as root, through "
            + "deploy/check/install-tools.sh), or put the binary on PATH.");
    }

    /// <summary>
    /// The <c>dotnet</c> host that runs this test process's runtime, to start the worker's
    /// <c>streammi.dll</c> with the same runtime.
    /// </summary>
    public static string DotnetHost()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath
            && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        // The runtime lives in DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var root = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var beside = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(beside) ? beside : Require("dotnet", "dotnet-sdk");
    }
}
