using System.Diagnostics;
using System.Globalization;

namespace StreamMI.Deploy.Tests.Tools;

/// <summary>
/// Temporary files of one test run, in one folder named after the test process. The test
/// host is not always given the chance to clean up when it ends, so each run removes the
/// folders of earlier runs whose process is gone, and rendered manifests and mutated
/// copies do not pile up in the temp folder.
/// </summary>
internal static class TempFiles
{
    private const string Prefix = "streammi-deploy-tests-";

    private static readonly Lazy<string> Folder = new(() =>
    {
        RemoveFoldersOfEndedRuns();

        var folder = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}");
        Directory.CreateDirectory(folder);

        return folder;
    });

    /// <summary>A new, unused path in the run's folder, ending with the given name.</summary>
    public static string NewPath(string name) => Path.Combine(Folder.Value, $"{Guid.NewGuid():N}-{name}");

    private static void RemoveFoldersOfEndedRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), $"{Prefix}*"))
        {
            var suffix = Path.GetFileName(folder)[Prefix.Length..];

            if (!int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || IsRunning(id))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // By design: a folder that cannot be removed now is tried again next run.
            }
            catch (UnauthorizedAccessException)
            {
                // By design: as above.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);

            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
