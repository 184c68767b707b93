using System.Text.Json.Nodes;
using System.Xml.Linq;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed class DockerfileTests
{
    [Fact]
    public async Task LintDockerfile_Repository_HasNoProblemsAndRunsStreammiRun()
    {
        var result = await NodeScripts.RunAsync("lint-dockerfile.mjs", Repository.PathOf("Dockerfile"));
        var report = JsonNode.Parse(result.StandardOutput)!;

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Empty(report["problems"]!.AsArray());
        Assert.Equal(
            [$"/app/{CliAssemblyName()}", "run"],
            report["entrypoint"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task LintDockerfile_BadDockerfile_BreaksEveryRule()
    {
        var file = TempFiles.NewPath("Dockerfile");
        await File.WriteAllTextAsync(file, string.Join('\n',
            "FROM mcr.microsoft.com/dotnet/sdk AS build",
            "RUN dotnet publish -o /out",
            "from ubuntu:latest",
            "COPY --from=bulid /out /app",
            "RUN echo hello",
            "USER app",
            "ENTRYPOINT /app/streammi run",
            string.Empty));

        var result = await NodeScripts.RunAsync("lint-dockerfile.mjs", file);
        var rules = JsonNode.Parse(result.StandardOutput)!["problems"]!.AsArray()
            .Select(p => p!["rule"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "dockerfile-utils", "tagged-base", "no-shell", "non-root", "exec-entrypoint",
                "expose-8080", "shared-publish", "copy-from-stage",
            },
            rules);
    }

    [PublishFact]
    public async Task PublishScript_RunHere_ProducesASelfContainedStreammi()
    {
        var output = TempFiles.NewPath("publish");

        var result = await ToolRunner.RunAsync("bash", [Repository.PathOf("deploy/publish.sh"), output, "amd64"]);

        Assert.True(result.ExitCode == 0, result.Output);
        var entryPoint = Path.Combine(output, CliAssemblyName());
        Assert.True(File.Exists(entryPoint), $"{entryPoint} was not produced");
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(entryPoint) & UnixFileMode.UserExecute) != 0, $"{entryPoint} is not executable");
        }

        Assert.True(File.Exists(Path.Combine(output, "libcoreclr.so")), "the runtime is not in the output: not self-contained");
        Directory.Delete(output, recursive: true);
    }

    private static string CliAssemblyName() =>
        XDocument.Load(Repository.PathOf("src/StreamMI.Cli/StreamMI.Cli.csproj"))
            .Descendants("AssemblyName")
            .Single()
            .Value;
}
