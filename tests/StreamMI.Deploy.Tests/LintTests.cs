using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed class LintTests
{
    [Fact]
    public async Task Yamllint_Repository_ReportsNothing()
    {
        var result = await ToolRunner.RunAsync("yamllint", ["--strict", "-f", "parsable", "."]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(string.Empty, result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Yamllint_Configuration_CoversTheDeploymentFiles()
    {
        var result = await ToolRunner.RunAsync("yamllint", ["--list-files", "."]);
        var listed = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("./", StringComparison.Ordinal) ? line[2..] : line)
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var file in new[]
        {
            "deploy/prometheus/streammi-alerts.yaml",
            "deploy/prometheus/streammi-alerts.test.yaml",
            "deploy/alertmanager/alertmanager.example.yaml",
            "deploy/kubernetes/kustomization.yaml",
            "deploy/kubernetes/deployment.yaml",
            "helm/streammi/values.yaml",
            "helm/streammi/ci/full-values.yaml",
            ".github/workflows/ci.yml",
        })
        {
            Assert.Contains(file, listed);
        }

        Assert.DoesNotContain(listed, file => file.StartsWith("helm/streammi/templates/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Yamllint_MisindentedFile_IsReported()
    {
        // The configuration must find real problems, not only pass.
        var file = TempFiles.NewPath("lint.yaml");
        await File.WriteAllTextAsync(file, "groups:\n  - name: a\n     rules: []\n");

        var result = await ToolRunner.RunAsync(
            "yamllint", ["-c", Repository.PathOf(".yamllint.yaml"), "-f", "parsable", file]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shellcheck_Scripts_ReportNothing()
    {
        var result = await ToolRunner.RunAsync(
            "shellcheck",
            [
                Repository.PathOf("deploy/publish.sh"),
                Repository.PathOf("deploy/check/install-tools.sh"),
                Repository.PathOf("deploy/kubernetes/update-prometheusrule.sh"),
            ]);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task Gofmt_HelmRenderer_IsFormatted()
    {
        var result = await ToolRunner.RunAsync("gofmt", ["-l", Repository.PathOf("deploy/check/helmrender")]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(string.Empty, result.StandardOutput.Trim());
    }
}
