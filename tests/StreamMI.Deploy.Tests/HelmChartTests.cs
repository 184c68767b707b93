using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using StreamMI.Deploy.Tests.Tools;

namespace StreamMI.Deploy.Tests;

public sealed class HelmChartTests
{
    private const string AlertsFile = "deploy/prometheus/streammi-alerts.yaml";

    private const string DashboardFile = "deploy/grafana/streammi-dashboard.json";

    [Fact]
    public async Task Render_DefaultValues_ValidatesWithTheAlwaysOnResources()
    {
        var rendered = await HelmRender.RenderToFileAsync();

        var documents = await Manifests.ValidateAsync(rendered);

        Assert.Equal(
            [
                "PodDisruptionBudget/streammi", "ServiceAccount/streammi", "ConfigMap/streammi",
                "Service/streammi", "Deployment/streammi",
            ],
            documents);
    }

    [Fact]
    public async Task Render_FullValues_ValidatesWithEveryOptionalResource()
    {
        var rendered = await HelmRender.RenderToFileAsync(
            "-f", Repository.PathOf(HelmRender.FullValues), "-name", "prod", "-namespace", "streaming");

        var documents = await Manifests.ValidateAsync(rendered);

        Assert.Equal(
            [
                "PodDisruptionBudget/prod-streammi", "ServiceAccount/streammi-worker",
                "ConfigMap/prod-streammi", "ConfigMap/prod-streammi-dashboard", "Service/prod-streammi",
                "Deployment/prod-streammi", "PrometheusRule/prod-streammi", "ServiceMonitor/prod-streammi",
            ],
            documents);
    }

    [Theory]
    [InlineData("files/streammi-alerts.yaml", AlertsFile)]
    [InlineData("files/streammi-dashboard.json", DashboardFile)]
    public void ChartFile_Bytes_EqualTheDeployFile(string chartFile, string deployFile)
    {
        var embedded = File.ReadAllBytes(Repository.PathOf($"{HelmRender.Chart}/{chartFile}"));
        var source = File.ReadAllBytes(Repository.PathOf(deployFile));

        Assert.Equal(source, embedded);
    }

    [Fact]
    public async Task Render_PrometheusRule_SpecIsTheAlertsFileByteForByte()
    {
        var rendered = await HelmRender.RenderAsync("-f", Repository.PathOf(HelmRender.FullValues));
        Assert.True(rendered.ExitCode == 0, rendered.Output);
        var document = Manifests.DocumentText(rendered.StandardOutput, "PrometheusRule");

        // Everything under "spec:" is the file indented by two spaces; take the indentation
        // away again and the file's bytes must come back.
        var spec = document[(document.IndexOf("\nspec:\n", StringComparison.Ordinal) + "\nspec:\n".Length)..];
        var unindented = string.Join('\n', spec.TrimEnd('\n').Split('\n').Select(line =>
            line.StartsWith("  ", StringComparison.Ordinal) ? line[2..] : line.TrimStart(' ')));

        Assert.Equal(Repository.ReadText(AlertsFile), unindented + "\n");
    }

    [Fact]
    public async Task Render_PrometheusRule_ParsesToTheSameGroupsAsTheAlertsFile()
    {
        var rendered = await HelmRender.RenderToFileAsync("-f", Repository.PathOf(HelmRender.FullValues));

        var rule = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "PrometheusRule");
        var source = (await NodeScripts.ReadYamlAsync(Repository.PathOf(AlertsFile)))[0]!;

        Assert.True(JsonNode.DeepEquals(source, rule["spec"]), "the PrometheusRule's spec differs from the rule file");
    }

    [Fact]
    public async Task Render_DashboardConfigMap_HoldsTheDashboardFileExactlyForTheSidecar()
    {
        var rendered = await HelmRender.RenderToFileAsync(
            "-f", Repository.PathOf(HelmRender.FullValues), "-name", "prod");

        var configMap = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "ConfigMap", "prod-streammi-dashboard");

        Assert.Equal(
            Repository.ReadText(DashboardFile),
            configMap["data"]!["streammi-dashboard.json"]!.GetValue<string>());
        Assert.Equal("1", configMap["metadata"]!["labels"]!["grafana_dashboard"]!.GetValue<string>());
        Assert.Equal("monitoring", configMap["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("StreamMI", configMap["metadata"]!["annotations"]!["grafana_folder"]!.GetValue<string>());
    }

    // The expected timeout is what .NET configuration binding makes of the rendered text,
    // compared with TimeSpan.FromSeconds: an independent reading of the same number.
    [Theory]
    [InlineData(30, 15)]
    [InlineData(90, 20)]
    [InlineData(3725, 15)]
    [InlineData(86399, 1)]
    public async Task Render_ShutdownTimeout_SetsHostTimeoutAndALongerGracePeriod(int seconds, int extra)
    {
        var rendered = await HelmRender.RenderToFileAsync(
            "--set", $"shutdownTimeoutSeconds={seconds}", "--set", $"terminationGraceExtraSeconds={extra}");
        var deployment = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "Deployment");

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["StreamMI:ShutdownTimeout"] = Manifests.EnvValue(deployment, "StreamMI__ShutdownTimeout"),
            })
            .Build();
        var grace = deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!.GetValue<int>();

        Assert.Equal(TimeSpan.FromSeconds(seconds), configuration.GetValue<TimeSpan>("StreamMI:ShutdownTimeout"));
        Assert.Equal(seconds + extra, grace);
    }

    [Theory]
    [InlineData("shutdownTimeoutSeconds=0", "between 1 and 86399, got 0")]
    [InlineData("shutdownTimeoutSeconds=86400", "between 1 and 86399, got 86400")]
    [InlineData("shutdownTimeoutSeconds=30.5", "a whole number of seconds, got 30.5")]
    [InlineData("shutdownTimeoutSeconds=30s", "a number of seconds, got 30s")]
    [InlineData("terminationGraceExtraSeconds=0", "terminationGraceExtraSeconds must be at least 1, got 0")]
    public async Task Render_InvalidTimeout_FailsSayingWhy(string setting, string message)
    {
        var result = await HelmRender.RenderAsync("--set", setting);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_FullValues_ConfigurationReadsAsTheWorkerReadsIt()
    {
        var rendered = await HelmRender.RenderToFileAsync("-f", Repository.PathOf(HelmRender.FullValues));
        var documents = await NodeScripts.ReadYamlAsync(rendered);
        var json = Manifests.Single(documents, "ConfigMap", "streammi")["data"]!["appsettings.json"]!.GetValue<string>();
        var deployment = Manifests.Single(documents, "Deployment");

        var container = Manifests.Container(deployment);

        // The file, then the container's plain environment variables over it, as
        // `streammi run` layers them ("__" in a variable's name is ":" in a key).
        var environment = container["env"]!.AsArray()
            .Where(e => e!["value"] is not null)
            .ToDictionary(
                e => e!["name"]!.GetValue<string>().Replace("__", ":", StringComparison.Ordinal),
                e => (string?)e!["value"]!.GetValue<string>());
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(environment)
            .Build();
        var mount = container["volumeMounts"]!.AsArray()
            .Single(m => m!["name"]!.GetValue<string>() == "config")!;
        var arguments = container["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

        Assert.Equal("checkout", configuration["StreamMI:Monitors:0:Name"]);
        Assert.Equal("checkout-events", configuration["StreamMI:Monitors:0:Topic"]);
        Assert.Equal("converted", configuration["StreamMI:Monitors:0:Target"]);
        Assert.Equal("streammi-checkout", configuration["StreamMI:Monitors:0:GroupId"]);
        Assert.Equal("fraud", configuration["StreamMI:Monitors:1:Name"]);
        Assert.Equal("*", configuration["StreamMI:Monitors:1:Categorical:0"]);
        Assert.Equal("broker-0.kafka:9093,broker-1.kafka:9093,broker-2.kafka:9093", configuration["StreamMI:Kafka:BootstrapServers"]);
        Assert.Equal("sasl_ssl", configuration["StreamMI:Kafka:Client:security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", configuration["StreamMI:Kafka:Client:sasl.mechanism"]);
        Assert.Equal("/etc/streammi/kafka-tls/ca.crt", configuration["StreamMI:Kafka:Client:ssl.ca.location"]);
        Assert.Equal("/etc/streammi/kafka-tls/tls.key", configuration["StreamMI:Kafka:Client:ssl.key.location"]);
        Assert.Equal("streammi-production", configuration["StreamMI:Kafka:Client:client.id"]);
        Assert.Equal(TimeSpan.FromSeconds(10), configuration.GetValue<TimeSpan>("StreamMI:Kafka:CommitInterval"));
        Assert.Equal(100, configuration.GetValue<int>("StreamMI:MaxFeaturesPerMonitor"));
        Assert.Equal("Information", configuration["Logging:LogLevel:Default"]);
        Assert.Null(configuration["StreamMI:Kafka:Client:sasl.password"]);
        Assert.Equal(8080, configuration.GetValue<int>("StreamMI:HttpPort"));
        Assert.Equal(TimeSpan.FromSeconds(90), configuration.GetValue<TimeSpan>("StreamMI:ShutdownTimeout"));
        Assert.Equal(["--config", $"{mount["mountPath"]!.GetValue<string>()}/appsettings.json"], arguments);
        Assert.Equal("Production", Manifests.EnvValue(deployment, "DOTNET_ENVIRONMENT"));
        Assert.Equal("streammi-state", configuration["StreamMI:State:Topic"]);
        Assert.Equal("30s", configuration["StreamMI:State:Interval"]);
        Assert.Null(configuration["StreamMI:State:Directory"]);
    }

    [Fact]
    public async Task Render_StatePersistence_MountsANewClaimWhereTheConfigurationPutsTheStateDirectory()
    {
        var rendered = await HelmRender.RenderToFileAsync(
            "--set", "state.persistence.enabled=true", "--set", "state.persistence.size=5Gi", "--set", "state.interval=1m");
        var names = await Manifests.ValidateAsync(rendered);
        var documents = await NodeScripts.ReadYamlAsync(rendered);
        var deployment = Manifests.Single(documents, "Deployment");
        var claim = Manifests.Single(documents, "PersistentVolumeClaim");
        var configuration = AppSettings(documents);

        var mount = Manifests.Container(deployment)["volumeMounts"]!.AsArray()
            .Single(m => m!["name"]!.GetValue<string>() == "state")!;
        var volume = deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray()
            .Single(v => v!["name"]!.GetValue<string>() == "state")!;

        Assert.Contains("PersistentVolumeClaim/streammi-state", names);
        Assert.Equal("/var/lib/streammi/state", configuration["StreamMI:State:Directory"]);
        Assert.Equal("/var/lib/streammi/state", mount["mountPath"]!.GetValue<string>());
        Assert.Null(mount["readOnly"]);
        Assert.Equal("1m", configuration["StreamMI:State:Interval"]);
        Assert.Null(configuration["StreamMI:State:Topic"]);
        Assert.Equal("streammi-state", volume["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Equal("streammi-state", claim["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("5Gi", claim["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>());
        Assert.Equal("ReadWriteOnce", claim["spec"]!["accessModes"]![0]!.GetValue<string>());
        Assert.Null(claim["spec"]!["storageClassName"]);

        // Two pods must never write one directory, so an update stops the old pod first.
        Assert.Equal("""{"type":"Recreate"}""", deployment["spec"]!["strategy"]!.ToJsonString());
    }

    [Fact]
    public async Task Render_StatePersistenceWithExistingClaim_MountsItAndCreatesNone()
    {
        var rendered = await HelmRender.RenderToFileAsync(
            "--set", "state.persistence.enabled=true", "--set", "state.persistence.existingClaim=kept-state");
        var documents = await NodeScripts.ReadYamlAsync(rendered);
        var deployment = Manifests.Single(documents, "Deployment");

        var volume = deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray()
            .Single(v => v!["name"]!.GetValue<string>() == "state")!;

        Assert.Equal("kept-state", volume["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.DoesNotContain(documents, d => d!["kind"]!.GetValue<string>() == "PersistentVolumeClaim");
    }

    [Fact]
    public async Task Render_DefaultValues_SavesNoStateAndKeepsTheRollingUpdate()
    {
        var rendered = await HelmRender.RenderToFileAsync();
        var documents = await NodeScripts.ReadYamlAsync(rendered);
        var deployment = Manifests.Single(documents, "Deployment");

        var configuration = AppSettings(documents);

        Assert.Empty(configuration.GetSection("StreamMI:State").GetChildren());
        Assert.Equal("RollingUpdate", deployment["spec"]!["strategy"]!["type"]!.GetValue<string>());
        Assert.DoesNotContain(
            deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray(),
            v => v!["name"]!.GetValue<string>() == "state");
    }

    [Theory]
    [InlineData(
        new[] { "--set", "state.topic=mi-state", "--set", "state.persistence.enabled=true" },
        "state.topic and state.persistence.enabled are both set")]
    [InlineData(
        new[] { "--set", "replicaCount=3", "--set", "state.persistence.enabled=true" },
        "state.persistence keeps state files for one worker; replicaCount is 3")]
    public async Task Render_StateTheWorkerCouldNotUse_FailsSayingWhy(string[] arguments, string message)
    {
        var result = await HelmRender.RenderAsync(arguments);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    private static IConfigurationRoot AppSettings(JsonArray documents)
    {
        var json = Manifests.Single(documents, "ConfigMap", "streammi")["data"]!["appsettings.json"]!.GetValue<string>();

        return new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
    }

    [Fact]
    public async Task Render_FullValues_KafkaCredentialsComeFromSecrets()
    {
        var rendered = await HelmRender.RenderToFileAsync("-f", Repository.PathOf(HelmRender.FullValues));
        var deployment = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "Deployment");
        var env = Manifests.Container(deployment)["env"]!.AsArray();

        JsonNode SecretRef(string name) =>
            env.Single(e => e!["name"]!.GetValue<string>() == name)!["valueFrom"]!["secretKeyRef"]!;

        // The worker reads StreamMI:Kafka:Client:* as librdkafka properties; the environment
        // variable's "__" is the configuration key's ":".
        Assert.Equal("streammi-kafka-sasl", SecretRef("StreamMI__Kafka__Client__sasl.username")["name"]!.GetValue<string>());
        Assert.Equal("user", SecretRef("StreamMI__Kafka__Client__sasl.username")["key"]!.GetValue<string>());
        Assert.Equal("password", SecretRef("StreamMI__Kafka__Client__sasl.password")["key"]!.GetValue<string>());
        var tls = deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray()
            .Single(v => v!["name"]!.GetValue<string>() == "kafka-tls")!;
        Assert.Equal("streammi-kafka-tls", tls["secret"]!["secretName"]!.GetValue<string>());
        Assert.Equal(Convert.ToInt32("440", 8), tls["secret"]!["defaultMode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Render_DefaultValues_PodIsHardenedAndProbed()
    {
        var rendered = await HelmRender.RenderToFileAsync();
        var deployment = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = Manifests.Container(deployment);

        Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal(1654, pod["securityContext"]!["runAsUser"]!.GetValue<int>());
        Assert.False(pod["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.False(container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal("ALL", container["securityContext"]!["capabilities"]!["drop"]![0]!.GetValue<string>());
        Assert.Equal("/healthz/live", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/healthz/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/healthz/live", container["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("8080", Manifests.EnvValue(deployment, "StreamMI__HttpPort"));
        Assert.Equal("http", container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<string>());
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Equal("/tmp", container["volumeMounts"]!.AsArray()
            .Single(m => m!["name"]!.GetValue<string>() == "tmp")!["mountPath"]!.GetValue<string>());
    }

    [Fact]
    public async Task Render_ConfigurationChange_ChangesThePodChecksumAndOnlyThen()
    {
        static async Task<string> ChecksumAsync(params string[] arguments)
        {
            var rendered = await HelmRender.RenderToFileAsync(arguments);
            var deployment = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "Deployment");

            return deployment["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/config"]!.GetValue<string>();
        }

        var original = await ChecksumAsync();
        var again = await ChecksumAsync();
        var replicas = await ChecksumAsync("--set", "replicaCount=3");
        var changed = await ChecksumAsync("--set", "kafka.bootstrapServers=other:9092");

        Assert.Matches("^[0-9a-f]{64}$", original);
        Assert.Equal(original, again);
        Assert.Equal(original, replicas);
        Assert.NotEqual(original, changed);
    }

    [Theory]
    [InlineData(new string[0], "maxUnavailable", 1)]
    [InlineData(new[] { "--set", "podDisruptionBudget.maxUnavailable=null", "--set", "podDisruptionBudget.minAvailable=2" }, "minAvailable", 2)]
    public async Task Render_PodDisruptionBudget_UsesTheOneBoundGiven(string[] arguments, string field, int value)
    {
        var rendered = await HelmRender.RenderToFileAsync(arguments);
        var budget = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "PodDisruptionBudget");

        var spec = budget["spec"]!.AsObject();

        Assert.Equal(value, spec[field]!.GetValue<int>());
        Assert.Equal(2, spec.Count);
    }

    [Fact]
    public async Task ReadmeValuesTable_DocumentsEveryValueAndNoOther()
    {
        var values = await HelmRender.RenderAsync("-print-values");
        Assert.True(values.ExitCode == 0, values.Output);
        var leaves = new List<string>();
        CollectLeaves(JsonNode.Parse(values.StandardOutput)!, string.Empty, leaves);

        var documented = AlertRulesTests.TableRows($"{HelmRender.Chart}/README.md", "| Key | Default | Description |")
            .Select(row => row[0].Trim('`'))
            .ToList();

        // A value is documented by its own row or by the row of an object that holds it.
        var undocumented = leaves.Where(leaf => !documented.Any(key => leaf == key || leaf.StartsWith(key + ".", StringComparison.Ordinal)));
        var unknown = documented.Where(key => !leaves.Any(leaf => leaf == key || leaf.StartsWith(key + ".", StringComparison.Ordinal)));

        Assert.Empty(undocumented);
        Assert.Empty(unknown);
        Assert.Equal(documented.Count, documented.Distinct(StringComparer.Ordinal).Count());
    }

    private static void CollectLeaves(JsonNode node, string path, List<string> leaves)
    {
        if (node is JsonObject map && map.Count > 0)
        {
            foreach (var (key, child) in map)
            {
                CollectLeaves(child!, path.Length == 0 ? key : $"{path}.{key}", leaves);
            }

            return;
        }

        leaves.Add(path);
    }

    [Fact]
    public async Task Render_FullValues_ImageIsPinnedByDigest()
    {
        var rendered = await HelmRender.RenderToFileAsync("-f", Repository.PathOf(HelmRender.FullValues));
        var deployment = Manifests.Single(await NodeScripts.ReadYamlAsync(rendered), "Deployment");

        Assert.Equal(
            "registry.example.com/streammi/streammi@sha256:" + new string('0', 64),
            Manifests.Container(deployment)["image"]!.GetValue<string>());
        Assert.Equal(2, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(
            (90 + 20).ToString(CultureInfo.InvariantCulture),
            deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!.ToJsonString());
    }
}
