namespace StreamMI.Deploy.Tests.Tools;

/// <summary>
/// Renders helm/streammi with deploy/check/helmrender, built once per test run with Debian's
/// Go and the sprig and sigs.k8s.io/yaml sources under /usr/share/gocode (GOPATH mode, no
/// network).
/// </summary>
internal static class HelmRender
{
    public const string Chart = "helm/streammi";

    public const string FullValues = "helm/streammi/ci/full-values.yaml";

    private const string GoPath = "/usr/share/gocode";

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    /// <summary>
    /// Renders the chart with -strict, so that a template reading a value that values.yaml
    /// does not declare fails, as `helm lint --strict` would.
    /// </summary>
    public static Task<ToolResult> RenderAsync(params string[] arguments) =>
        RenderChartAsync(Repository.PathOf(Chart), strict: true, arguments);

    /// <summary>Renders any chart folder, with or without -strict.</summary>
    public static async Task<ToolResult> RenderChartAsync(
        string chartDirectory,
        bool strict,
        params string[] arguments)
    {
        var binary = await Binary.Value;
        string[] flags = strict ? ["-strict", .. arguments] : arguments;

        return await ToolRunner.RunAsync(binary, [.. flags, chartDirectory]);
    }

    /// <summary>Renders and writes the manifests to a new temporary file, whose path it returns.</summary>
    public static async Task<string> RenderToFileAsync(params string[] arguments)
    {
        var result = await RenderAsync(arguments);

        Assert.True(result.ExitCode == 0, result.Output);

        var file = TempFiles.NewPath("chart.yaml");
        await File.WriteAllTextAsync(file, result.StandardOutput);

        return file;
    }

    private static async Task<string> BuildAsync()
    {
        foreach (var source in new[] { "github.com/Masterminds/sprig", "sigs.k8s.io/yaml" })
        {
            if (!Directory.Exists(Path.Combine(GoPath, "src", source)))
            {
                throw new InvalidOperationException(
                    $"The Go source of {source} is not in {GoPath}: it comes from Debian's "
                    + "golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev packages. "
                    + "Run deploy/check/install-tools.sh as root.");
            }
        }

        var build = Repository.PathOf("deploy/check/build");
        var binary = Path.Combine(build, "helmrender");
        var environment = new Dictionary<string, string>
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = GoPath,
            ["GOFLAGS"] = string.Empty,
            ["GOCACHE"] = Path.Combine(build, "go-cache"),
        };

        var result = await ToolRunner.RunAsync(
            "go",
            ["build", "-o", binary, "./deploy/check/helmrender"],
            environment: environment);

        Assert.True(result.ExitCode == 0, result.Output);

        return binary;
    }
}
