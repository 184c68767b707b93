using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StreamMI.Host.References;
using StreamMI.Host.Reporting;
using StreamMI.Host.Telemetry;

namespace StreamMI.Host.Http;

/// <summary>
/// The worker's read-only HTTP views: liveness, readiness, the snapshot and (mapped by the host)
/// the Prometheus scrape. Nothing here changes state.
/// </summary>
public static class WorkerEndpoints
{
    /// <summary>The largest request body accepted, in bytes; no endpoint reads one.</summary>
    public const int MaxRequestBodyBytes = 4096;

    /// <summary>
    /// Refuses, with 413 and before routing, a request that announces a body larger than
    /// <see cref="MaxRequestBodyBytes"/> or sends one of unknown length. Kestrel's own body
    /// limit applies only when a body is read, and no endpoint here reads one, so without this
    /// a large body would be accepted and drained after the response.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            var chunked = request.ContentLength is null
                && request.Headers.TransferEncoding.Count > 0;
            if (chunked || request.ContentLength > MaxRequestBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.Headers.Connection = "close";
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/healthz/live", () => Results.Text("live\n"));
        app.MapGet("/healthz/ready", (SnapshotCache cache) =>
        {
            var waiting = cache.Services.Where(s => !s.IsReady).Select(s => s.Pipeline.Name).ToList();
            return waiting.Count == 0
                ? Results.Text("ready\n")
                : Results.Text(
                    $"not ready: "
                    + $"{string.Join(", ", waiting)}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/api/v1/snapshot", (HttpContext context, SnapshotCache cache) => WriteSnapshot(context, cache));
        app.MapGet("/api/v1/monitors/{name}/reference", (string name, SnapshotCache cache) => Reference(name, cache));
        return app;
    }

    private static async Task WriteSnapshot(HttpContext context, SnapshotCache cache)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        var snapshots = cache.Current().ToDictionary(s => s.Monitor, s => s.Snapshot, StringComparer.Ordinal);

        writer.WriteStartObject();
        writer.WriteStartArray("monitors");
        foreach (var service in cache.Services)
        {
            var pipeline = service.Pipeline;
            writer.WriteStartObject();
            writer.WriteString("name", pipeline.Name);
            writer.WriteString("topic", pipeline.Topic);
            writer.WriteString("target", pipeline.Target);
            writer.WriteBoolean("ready", service.IsReady);
            writer.WriteNumber("consumed", pipeline.Consumed);
            if (snapshots.TryGetValue(pipeline.Name, out var snapshot))
            {
                writer.WriteStartObject("window");
                WriteTime(writer, "start", snapshot.WindowStartMs);
                WriteTime(writer, "end", snapshot.WindowEndMs);
                writer.WriteNumber("events", snapshot.WindowEvents);
                writer.WriteNumber("fill", snapshot.WindowFill);
                writer.WriteEndObject();
                writer.WriteNumber("counted", snapshot.Counted);
                writer.WriteNumber("late", snapshot.Late);
                writer.WriteNumber("buffered", snapshot.Buffered);
                writer.WriteNumber("target_levels", snapshot.TargetLevels);
                ReportJson.WriteSkipped(writer, snapshot.Skipped);
                writer.WriteStartArray("features");
                foreach (var feature in snapshot.Features)
                {
                    ReportJson.WriteFeature(writer, feature);
                }

                writer.WriteEndArray();
                ReportJson.WriteDrift(writer, snapshot.Drift);
                ReportJson.WritePairs(writer, snapshot.Pairs);
            }
            else
            {
                writer.WriteNull("window");
                writer.WriteStartArray("features");
                writer.WriteEndArray();
            }

            writer.WriteStartObject("lag");
            foreach (var (partition, lag) in service.Lag().OrderBy(kv => kv.Key))
            {
                writer.WriteNumber(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), lag);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// A monitor's frozen reference as a reference file, so a first-window reference can be saved
    /// and given back as <c>Reference</c> after a restart.
    /// </summary>
    private static IResult Reference(string name, SnapshotCache cache)
    {
        var service = cache.Services.FirstOrDefault(s => string.Equals(s.Pipeline.Name, name, StringComparison.Ordinal));
        if (service is null)
        {
            return Results.Text($"no monitor '{name}'\n", statusCode: StatusCodes.Status404NotFound);
        }

        if (service.Pipeline.Engine?.Reference is not { } model)
        {
            return Results.Text(
                $"monitor '{name}' has no frozen reference to save (none configured, "
                + $"a lagged one, or the first window has not filled yet)\n",
                statusCode: StatusCodes.Status404NotFound);
        }

        using var buffer = new MemoryStream();
        ReferenceFile.Write(model, buffer);
        return Results.Bytes(buffer.ToArray(), "application/json", $"{name}.reference.json");
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, long? unixMs)
    {
        if (unixMs is { } ms && ms > -62135596800000 && ms < 253402300799999)
        {
            writer.WriteString(name, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
