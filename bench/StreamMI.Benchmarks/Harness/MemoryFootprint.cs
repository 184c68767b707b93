using System.Globalization;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;
using StreamMI.Host.Configuration;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Resident memory of one monitor whose every table cell in every pane holds counts: features ×
/// levels × target classes × panes, the worst case for a window of that shape. Run it in a
/// process of its own, so that the figure is this monitor's and the runtime's only.
/// </summary>
internal static class MemoryFootprint
{
    public static void Run(int features, int levels, int classes, int panes)
    {
        // The schema the worker builds for categorical fields: default level caps, the target's
        // capped at 1,024 exact levels.
        var fields = Enumerable.Range(0, features).Select(f => $"f{f}").Append("y").ToList();
        var selection = new FeatureSelection { Target = "y", Categorical = ["*"] };
        var window = WindowSpec.Sliding(TimeSpan.FromMinutes(panes), panes);
        var schema = selection.BuildSchema("memory", fields, _ => null, window, 10_000);
        var engine = new MonitorEngine(schema);
        var record = engine.CreateRecord();
        var names = Enumerable.Range(0, Math.Max(levels, classes))
            .Select(i => System.Text.Encoding.UTF8.GetBytes("v" + i.ToString(CultureInfo.InvariantCulture)))
            .ToArray();

        // In each pane (one minute), one event per (level, class) pair: every cell of every
        // feature's table is non-zero in every pane once the window is full.
        var cellsPerPane = levels * classes;
        long events = 0;
        for (var pane = 0; pane < panes; pane++)
        {
            for (var i = 0; i < cellsPerPane; i++)
            {
                record.Reset();
                for (var f = 0; f < features; f++)
                {
                    record.SetText(f, names[(i + f) % levels]);
                }

                record.SetText(features, names[i / levels]);
                record.EventTimeMs = (pane * 60_000L) + (i * 60_000L / cellsPerPane);
                engine.Apply(record);
                events++;
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var status = File.ReadAllLines("/proc/self/status");
        double Kib(string key) => double.Parse(
            status.Single(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        var shape = $"{features} features x {levels} levels x {classes} classes x {panes} panes, {events} events";
        ResultWriter.WriteValue("memory.rss", Kib("VmRSS") / 1024, "MiB", shape + ", after a full GC");
        ResultWriter.WriteValue("memory.peak-rss", Kib("VmHWM") / 1024, "MiB", shape);
        ResultWriter.WriteValue("memory.cells", engine.Tables.AllocatedBytes() / 1048576.0, "MiB", "bytes of cell pages and directories in tables and panes");
        ResultWriter.WriteValue("memory.managed-heap", GC.GetTotalMemory(false) / 1048576.0, "MiB", shape);
    }
}
