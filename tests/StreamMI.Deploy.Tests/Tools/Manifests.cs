using System.Text.Json.Nodes;

namespace StreamMI.Deploy.Tests.Tools;

/// <summary>Schema validation of rendered manifests (deploy/check/validate-manifests.mjs).</summary>
internal static class Manifests
{
    /// <summary>
    /// Validates the files and returns "Kind/name" of every document, in order; fails the
    /// test with the validator's messages when any document is invalid.
    /// </summary>
    public static async Task<List<string>> ValidateAsync(params string[] files)
    {
        var result = await NodeScripts.RunAsync("validate-manifests.mjs", files);
        var report = JsonNode.Parse(result.StandardOutput)
            ?? throw new InvalidOperationException(result.Output);
        var errors = report["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.True(result.ExitCode == 0, result.Output);

        return report["documents"]!.AsArray()
            .Select(d => $"{d!["kind"]!.GetValue<string>()}/{d["name"]!.GetValue<string>()}")
            .ToList();
    }

    /// <summary>The one document of a kind (and name, when given) among parsed documents.</summary>
    public static JsonNode Single(JsonArray documents, string kind, string? name = null) =>
        documents.Single(d => d!["kind"]!.GetValue<string>() == kind
            && (name is null || d["metadata"]!["name"]!.GetValue<string>() == name))!;

    /// <summary>The text of the one document of a kind in a rendered YAML stream.</summary>
    public static string DocumentText(string renderedYaml, string kind)
    {
        var documents = renderedYaml.Split("\n---\n")
            .Where(d => d.Contains($"\nkind: {kind}\n", StringComparison.Ordinal))
            .ToList();

        Assert.Single(documents);

        return documents[0];
    }

    /// <summary>The value of a container's environment variable.</summary>
    public static string? EnvValue(JsonNode deployment, string name) =>
        Container(deployment)["env"]!.AsArray()
            .Single(e => e!["name"]!.GetValue<string>() == name)!["value"]?.GetValue<string>();

    public static JsonNode Container(JsonNode deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
}
