using System.Globalization;
using System.Text.Json;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Prints each figure as one JSON line on standard output, with the load average of the
/// machine when it was taken, so that bench/report.py can tabulate a whole run.
/// </summary>
internal static class ResultWriter
{
    /// <summary>Writes the figure for <paramref name="events"/> events done in <paramref name="timing"/>.</summary>
    public static void Write(string name, long events, Timing timing, int threads = 1, string? note = null)
    {
        var line = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["events"] = events,
            ["threads"] = threads,
            ["wall_s"] = Math.Round(timing.WallSeconds, 6),
            ["cpu_s"] = Math.Round(timing.CpuSeconds, 6),
            ["events_per_s"] = Math.Round(events / timing.WallSeconds),
            ["events_per_cpu_s"] = Math.Round(events / timing.CpuSeconds),
            ["load"] = LoadAverage(),
            ["note"] = note,
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
    }

    /// <summary>Writes a figure that is not a rate (bytes, a ratio), with its unit.</summary>
    public static void WriteValue(string name, double value, string unit, string? note = null)
    {
        var line = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["value"] = value,
            ["unit"] = unit,
            ["load"] = LoadAverage(),
            ["note"] = note,
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
    }

    /// <summary>The one-minute load average, or −1 where /proc is not there.</summary>
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
