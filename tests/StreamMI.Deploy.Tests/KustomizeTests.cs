using Microsoft.Extensions.Configuration;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed class KustomizeTests
{
    private const string Base = "deploy/kubernetes";

    [Fact]
    public async Task KubectlKustomize_Base_RendersTheFiveResourcesAndTheyValidate()
    {
        var rendered = await RenderAsync();

        var documents = await Manifests.ValidateAsync(rendered);

        Assert.Equal(5, documents.Count);
        Assert.Equal(
            ["ConfigMap", "Deployment", "PrometheusRule", "Service", "ServiceMonitor"],
            documents.Select(d => d.Split('/')[0]).Order(StringComparer.Ordinal));
        Assert.Matches("^ConfigMap/streammi-config-[a-z0-9]{10}$", documents.Single(d => d.StartsWith("ConfigMap", StringComparison.Ordinal)));
    }

    [Fact]
    public void PrometheusRule_Spec_IsTheAlertsFileIndentedAndUpToDate()
    {
        var rules = Repository.ReadText("deploy/prometheus/streammi-alerts.yaml");
        var embedded = Repository.ReadText($"{Base}/prometheusrule.yaml");
        var expected = string.Concat(rules.Split('\n').Select((line, i) =>
            (i > 0 ? "\n" : string.Empty) + (line.Length > 0 ? "  " + line : line)));

        var spec = embedded.IndexOf("\nspec:\n", StringComparison.Ordinal);

        Assert.True(spec > 0, "deploy/kubernetes/prometheusrule.yaml has no spec");
        Assert.True(
            embedded[(spec + "\nspec:\n".Length)..] == expected,
            "deploy/kubernetes/prometheusrule.yaml is out of date: run deploy/kubernetes/update-prometheusrule.sh");
    }

    [Fact]
    public async Task Deployment_GracePeriod_OutlastsTheHostShutdownTimeout()
    {
        var documents = await NodeScripts.ReadYamlAsync(await RenderAsync());
        var deployment = Manifests.Single(documents, "Deployment");

        var timeout = TimeSpan.Parse(
            Manifests.EnvValue(deployment, "StreamMI__ShutdownTimeout")!,
            System.Globalization.CultureInfo.InvariantCulture);
        var grace = deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!.GetValue<int>();

        Assert.Equal(TimeSpan.FromSeconds(30), timeout);
        Assert.True(grace > timeout.TotalSeconds, $"grace period {grace}s <= shutdown timeout {timeout}");
    }

    [Fact]
    public async Task ConfigMap_AppSettings_ReadsAsMonitorConfiguration()
    {
        var documents = await NodeScripts.ReadYamlAsync(await RenderAsync());
        var json = Manifests.Single(documents, "ConfigMap")["data"]!["appsettings.json"]!.GetValue<string>();

        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .Build();

        Assert.Equal("example", configuration["StreamMI:Monitors:0:Name"]);
        Assert.Equal("events", configuration["StreamMI:Monitors:0:Topic"]);
        Assert.Equal("label", configuration["StreamMI:Monitors:0:Target"]);
        Assert.Equal("kafka:9092", configuration["StreamMI:Kafka:BootstrapServers"]);
    }

    private static async Task<string> RenderAsync()
    {
        var result = await ToolRunner.RunAsync("kubectl", ["kustomize", Repository.PathOf(Base)]);
        Assert.True(result.ExitCode == 0, result.Output);

        var file = TempFiles.NewPath("kustomize.yaml");
        await File.WriteAllTextAsync(file, result.StandardOutput);

        return file;
    }
}
