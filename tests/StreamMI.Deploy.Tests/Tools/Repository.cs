namespace StreamMI.Deploy.Tests.Tools;

/// <summary>Paths inside the repository the tests run from.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder that holds StreamMI.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path given relative to the root with forward slashes.</summary>
    public static string PathOf(string relative) =>
        Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string ReadText(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        // The test assembly runs from tests/StreamMI.Deploy.Tests/bin/<config>/<tfm>.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);

        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StreamMI.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException(
                $"No StreamMI.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
