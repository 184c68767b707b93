using System.Globalization;
using System.Text.Json;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Drift;

namespace StreamMI.Host.References;

/// <summary>
/// Reads and writes reference files: a frozen reference window as JSON, with its discretisation,
/// so a monitor compared with it counts levels the same way. The format is in docs/drift.md.
/// </summary>
/// <remarks>
/// A file carries <c>"format": "streammi-reference"</c> and an integer <c>"version"</c>. This code
/// writes <see cref="Version"/> and reads only that version: a file from a newer StreamMI is
/// refused with a message saying which version it is, rather than read wrongly.
/// </remarks>
public static class ReferenceFile
{
    /// <summary>The value of the file's <c>format</c> member.</summary>
    public const string Format = "streammi-reference";

    /// <summary>The format version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>.</summary>
    public static void Save(ReferenceModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(model, stream);
    }

    /// <summary>Writes <paramref name="model"/> as JSON.</summary>
    public static void Write(ReferenceModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);

        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteNumber("version", Version);
        if (model.Source is { } source)
        {
            writer.WriteString("source", source);
        }

        WriteTime(writer, "start", model.StartMs);
        WriteTime(writer, "end", model.EndMs);
        writer.WriteNumber("hash_seed", model.HashSeed);
        writer.WriteNumber("events", model.Events);
        writer.WritePropertyName("target");
        WriteField(writer, model.Target, null);
        writer.WriteStartArray("features");
        for (var f = 0; f < model.Features.Count; f++)
        {
            WriteField(writer, model.Features[f], model.Tables[f]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a reference file; throws <see cref="ReferenceFileException"/> saying what is wrong.</summary>
    public static ReferenceModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(stream, path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new ReferenceFileException($"Cannot read the reference file '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads a reference from JSON; <paramref name="name"/> names it in messages. Throws
    /// <see cref="ReferenceFileException"/> when it is not a reference, is another version, or
    /// contradicts itself.
    /// </summary>
    public static ReferenceModel Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new ReferenceFileException($"'{name}' is not a StreamMI reference file: it is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format)
                || format.ValueKind != JsonValueKind.String
                || format.GetString() != Format)
            {
                throw new ReferenceFileException($"'{name}' is not a StreamMI reference file: it has no \"format\": \"{Format}\".");
            }

            if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var v))
            {
                throw new ReferenceFileException($"'{name}' has no format version.");
            }

            if (v != Version)
            {
                throw new ReferenceFileException(
                    $"'{name}' is reference format version {v}; this StreamMI reads version {Version}. Rebuild it with 'streammi reference build'.");
            }

            try
            {
                var model = Parse(root, name);
                var problems = model.Problems();
                if (problems.Count > 0)
                {
                    throw new ReferenceFileException($"'{name}' contradicts itself: {string.Join(" ", problems)}");
                }

                return model;
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or OverflowException)
            {
                throw new ReferenceFileException($"'{name}' is not a valid reference file: {ex.Message}", ex);
            }
        }
    }

    private static ReferenceModel Parse(JsonElement root, string name)
    {
        var target = ReadField(root.GetProperty("target"), "target");
        var features = new List<ReferenceField>();
        var tables = new List<ReferenceTable>();
        foreach (var element in root.GetProperty("features").EnumerateArray())
        {
            var field = ReadField(element, "feature");
            features.Add(field);
            if (!element.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"Feature '{field.Name}' has no \"cells\" array.");
            }

            tables.Add(new ReferenceTable(cells.EnumerateArray().Select(c => ReadCell(c, field.Name))));
        }

        var model = new ReferenceModel(target, features, tables, root.GetProperty("hash_seed").GetUInt64())
        {
            Source = root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String ? source.GetString() : Path.GetFileName(name),
            StartMs = ReadTime(root, "start"),
            EndMs = ReadTime(root, "end"),
        };

        if (root.TryGetProperty("events", out var events) && events.GetInt64() != model.Events)
        {
            throw new FormatException($"It says it holds {events.GetInt64()} events, but its tables hold {model.Events}.");
        }

        return model;
    }

    private static ReferenceField ReadField(JsonElement element, string what)
    {
        var name = element.GetProperty("name").GetString()
            ?? throw new FormatException($"A {what} has no name.");
        var kind = element.GetProperty("kind").GetString() switch
        {
            "categorical" => FeatureKind.Categorical,
            "numeric" => FeatureKind.Numeric,
            "boolean" => FeatureKind.Boolean,
            var other => throw new FormatException($"The {what} '{name}' has kind '{other}'; kinds are categorical, numeric and boolean."),
        };

        return new ReferenceField(name, kind)
        {
            Bins = element.TryGetProperty("bins", out var bins) ? bins.GetInt32() : 0,
            Edges = element.TryGetProperty("edges", out var edges) ? [.. edges.EnumerateArray().Select(e => e.GetDouble())] : null,
            Values = element.TryGetProperty("values", out var values)
                ? [.. values.EnumerateArray().Select(v => v.GetString() ?? throw new FormatException($"The {what} '{name}' has a null value."))]
                : null,
            LevelCap = element.TryGetProperty("level_cap", out var cap) ? cap.GetInt32() : 0,
            TailBuckets = element.TryGetProperty("tail_buckets", out var buckets) ? buckets.GetInt32() : 0,
        };
    }

    private static (int Row, int Column, long Count) ReadCell(JsonElement cell, string feature)
    {
        if (cell.ValueKind != JsonValueKind.Array || cell.GetArrayLength() != 3)
        {
            throw new FormatException($"Feature '{feature}' has a cell that is not [feature level, target level, count].");
        }

        return (cell[0].GetInt32(), cell[1].GetInt32(), cell[2].GetInt64());
    }

    private static void WriteField(Utf8JsonWriter writer, ReferenceField field, ReferenceTable? table)
    {
        writer.WriteStartObject();
        writer.WriteString("name", field.Name);
        writer.WriteString("kind", field.Kind.ToString().ToLowerInvariant());
        switch (field.Kind)
        {
            case FeatureKind.Numeric:
                writer.WriteNumber("bins", field.Bins);
                writer.WriteStartArray("edges");
                foreach (var edge in field.Edges ?? [])
                {
                    writer.WriteNumberValue(edge);
                }

                writer.WriteEndArray();
                break;
            case FeatureKind.Categorical:
                writer.WriteNumber("level_cap", field.LevelCap);
                writer.WriteNumber("tail_buckets", field.TailBuckets);
                writer.WriteStartArray("values");
                foreach (var value in field.Values ?? [])
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
                break;
        }

        if (table is not null)
        {
            // One compact line per cell keeps large references readable and diffable.
            writer.WriteStartArray("cells");
            foreach (var (row, column, count) in table.Cells)
            {
                writer.WriteRawValue(string.Create(CultureInfo.InvariantCulture, $"[{row},{column},{count}]"));
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, long? unixMs)
    {
        if (unixMs is { } ms && ms > -62135596800000 && ms < 253402300799999)
        {
            writer.WriteString(name, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }
    }

    private static long? ReadTime(JsonElement root, string name) =>
        root.TryGetProperty(name, out var time) && time.ValueKind == JsonValueKind.String
            ? time.GetDateTimeOffset().ToUnixTimeMilliseconds()
            : null;
}
