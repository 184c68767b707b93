using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace StreamMI.Deploy.Tests.Tools;

/// <summary>The Node.js scripts of deploy/check, which need its npm packages installed.</summary>
internal static class NodeScripts
{
    public static Task<ToolResult> RunAsync(string script, params string[] arguments) =>
        RunAsync(script, expectFailure: false, arguments);

    /// <summary>
    /// Runs a script; with expectFailure, the sources a failed type check generates are not
    /// kept under deploy/check/build, since the test made it fail on purpose.
    /// </summary>
    public static Task<ToolResult> RunAsync(string script, bool expectFailure, params string[] arguments)
    {
        var modules = Repository.PathOf("deploy/check/node_modules");

        if (!Directory.Exists(Path.Combine(modules, "yaml"))
            || !Directory.Exists(Path.Combine(modules, "kubernetes-models")))
        {
            throw new InvalidOperationException(
                "The npm packages of deploy/check are not installed in deploy/check/node_modules. "
                + "Run deploy/check/install-tools.sh (or `npm ci` in deploy/check).");
        }

        var environment = new Dictionary<string, string>
        {
            ["STREAMMI_DISCARD_CHECK_SOURCES"] = expectFailure ? "1" : "0",
        };

        return ToolRunner.RunAsync(
            "node",
            [Repository.PathOf($"deploy/check/{script}"), .. arguments],
            environment: environment);
    }

    /// <summary>
    /// The documents of a YAML file, as JSON: a fresh copy on every call, since callers
    /// modify it. A file is parsed once per test run, because starting Node costs more than
    /// the tests themselves.
    /// </summary>
    public static async Task<JsonArray> ReadYamlAsync(string path)
    {
        var parsed = await Parsed.GetOrAdd(Path.GetFullPath(path), ParseYamlAsync);

        return parsed.DeepClone().AsArray();
    }

    private static readonly ConcurrentDictionary<string, Task<JsonArray>> Parsed = new();

    private static async Task<JsonArray> ParseYamlAsync(string path)
    {
        var result = await RunAsync("yaml-to-json.mjs", path);

        Assert.True(result.ExitCode == 0, result.Output);

        return JsonNode.Parse(result.StandardOutput)!.AsArray();
    }
}
