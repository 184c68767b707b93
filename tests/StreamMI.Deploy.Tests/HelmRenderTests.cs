using System.Text.RegularExpressions;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

/// <summary>
/// The offline renderer against Helm's documented behaviour, on small charts made here, so
/// that the chart tests can trust it where helm itself is not available.
/// </summary>
public sealed partial class HelmRenderTests
{
    [Fact]
    public async Task Values_UserFile_MergesMapsAndNullRemovesAKey()
    {
        var chart = NewChart(
            values: "a:\n  x: 1\n  y: 2\nlist: [1, 2]\n",
            templates: new() { ["cm.yaml"] = ConfigMap("cm", "{{ toJson .Values | quote }}") });
        var user = TempFiles.NewPath("user.yaml");
        await File.WriteAllTextAsync(user, "a:\n  y: null\n  z: 3\nlist: [9]\n");

        var output = await RenderAsync(chart, "-f", user);

        // Maps merge key by key, null deletes, lists are replaced whole.
        Assert.Contains("value: \"{\\\"a\\\":{\\\"x\\\":1,\\\"z\\\":3},\\\"list\\\":[9]}\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeTplAndRequired_WorkAsInHelm()
    {
        var chart = NewChart(
            values: "name: world\ngreeting: \"hello {{ .Values.name }}\"\n",
            templates: new()
            {
                ["_helpers.tpl"] = "{{- define \"t.upper\" -}}{{ .Values.name | upper }}{{- end }}",
                ["cm.yaml"] = ConfigMap(
                    "cm",
                    "{{ printf \"%s/%s/%s\" (include \"t.upper\" .) (tpl .Values.greeting .) (required \"name!\" .Values.name) | quote }}"),
            });

        var output = await RenderAsync(chart);

        Assert.Contains("value: \"WORLD/hello world/world\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingValue_StrictFailsAndDefaultRendersEmpty()
    {
        // Without -strict, as `helm template` runs; with it, as `helm lint --strict` does.
        var chart = NewChart(
            values: "present: 1\n",
            templates: new() { ["cm.yaml"] = ConfigMap("cm", "\"[{{ .Values.absent }}]\"") });

        var strict = await HelmRender.RenderChartAsync(chart, strict: true);
        var lenient = await HelmRender.RenderChartAsync(chart, strict: false);

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("map has no entry for key \"absent\"", strict.StandardError, StringComparison.Ordinal);
        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Contains("value: \"[]\"", lenient.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_InInstallOrderWithoutPartialsNotesOrEmptyFiles()
    {
        var chart = NewChart(
            values: "enabled: false\n",
            templates: new()
            {
                ["a-deployment.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n",
                ["b-service.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
                ["c-two.yaml"] = ConfigMap("m2", "\"2\"") + "---\n" + ConfigMap("m1", "\"1\""),
                ["d-off.yaml"] = "{{- if .Values.enabled }}\n" + ConfigMap("off", "\"x\"") + "{{- end }}\n",
                ["_partial.tpl"] = "{{- define \"p\" }}x{{ end }}",
                ["NOTES.txt"] = "Thanks for installing.",
            });

        var output = await RenderAsync(chart);
        var documents = SourceAndKind().Matches(output).Select(m => $"{m.Groups[2].Value}<-{m.Groups[1].Value}");

        // Helm's install order puts ConfigMaps before Services before Deployments.
        Assert.Equal(
            [
                "ConfigMap<-t/templates/c-two.yaml", "ConfigMap<-t/templates/c-two.yaml",
                "Service<-t/templates/b-service.yaml", "Deployment<-t/templates/a-deployment.yaml",
            ],
            documents);
        Assert.True(output.IndexOf("name: m1", StringComparison.Ordinal) < output.IndexOf("name: m2", StringComparison.Ordinal));
        Assert.DoesNotContain("Thanks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesGet_FollowsLinksAndLeavesIgnoredFilesOut()
    {
        var chart = NewChart(
            values: "{}\n",
            templates: new()
            {
                ["cm.yaml"] = ConfigMap("cm", "{{ printf \"%s|%s\" (.Files.Get \"files/linked.txt\") (.Files.Get \"files/skip.bak\") | quote }}"),
            });
        var outside = TempFiles.NewPath("outside.txt");
        await File.WriteAllTextAsync(outside, "through the link");
        Directory.CreateDirectory(Path.Combine(chart, "files"));
        File.CreateSymbolicLink(Path.Combine(chart, "files", "linked.txt"), outside);
        await File.WriteAllTextAsync(Path.Combine(chart, "files", "skip.bak"), "ignored");
        await File.WriteAllTextAsync(Path.Combine(chart, ".helmignore"), "*.bak\n");

        var output = await RenderAsync(chart);

        Assert.Contains("value: \"through the link|\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidYaml_FailsNamingTheTemplate()
    {
        var chart = NewChart(
            values: "{}\n",
            templates: new() { ["broken.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n" });

        var result = await HelmRender.RenderChartAsync(chart, strict: true);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("YAML parse error on t/templates/broken.yaml", result.StandardError, StringComparison.Ordinal);
    }

    private static string ConfigMap(string name, string value) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  value: {value}\n";

    private static string NewChart(string values, Dictionary<string, string> templates)
    {
        var chart = TempFiles.NewPath("chart");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: t\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "values.yaml"), values);

        foreach (var (name, text) in templates)
        {
            File.WriteAllText(Path.Combine(chart, "templates", name), text);
        }

        return chart;
    }

    private static async Task<string> RenderAsync(string chart, params string[] arguments)
    {
        var result = await HelmRender.RenderChartAsync(chart, strict: true, arguments);
        Assert.True(result.ExitCode == 0, result.Output);

        return result.StandardOutput;
    }

    [GeneratedRegex(@"# Source: (\S+)\n(?:.*\n)*?kind: (\w+)")]
    private static partial Regex SourceAndKind();
}
