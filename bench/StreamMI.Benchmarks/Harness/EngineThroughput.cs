using StreamMI.Engine.Windows;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Events per CPU-second of the windowed tables alone, the same shapes as
/// <see cref="TableUpdateBenchmarks"/> but over a million distinct events and timed by CPU
/// time, which stays meaningful on a loaded machine.
/// </summary>
internal static class EngineThroughput
{
    private const int Events = 1 << 20;

    public static void Run(string? only = null)
    {
        foreach (var features in new[] { 16, 64 })
        {
            var random = new Random(1);
            var levels = new int[Events][];
            var targets = new int[Events];
            for (var i = 0; i < Events; i++)
            {
                levels[i] = new int[features];
                for (var f = 0; f < features; f++)
                {
                    levels[i][f] = 1 + random.Next(64);
                }

                targets[i] = 1 + random.Next(5);
            }

            foreach (var pairs in new[] { 0, 120 })
            {
                foreach (var window in new[] { WindowSpec.Sliding(TimeSpan.FromMinutes(60), 60), WindowSpec.WholeStream })
                {
                    var mode = window.Mode == WindowMode.WholeStream ? "whole-stream" : "sliding-60";
                    var name = $"engine.tables.f{features}.p{pairs}.{mode}";
                    if (only is not null && !name.StartsWith(only, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var tables = Create(features, pairs, window);
                    var timing = Clock.Best(3, () =>
                    {
                        for (var i = 0; i < Events; i++)
                        {
                            tables.Apply(levels[i], targets[i], eventTimeMs: 1_000);
                        }
                    });
                    ResultWriter.Write(name, Events, timing);
                }
            }
        }
    }

    private static WindowedTables Create(int features, int pairCount, WindowSpec window)
    {
        var pairs = new List<(int, int)>();
        for (var a = 0; a < 16 && pairs.Count < pairCount; a++)
        {
            for (var b = a + 1; b < 16 && pairs.Count < pairCount; b++)
            {
                pairs.Add((a, b));
            }
        }

        // A whole stream is counted the way a scan counts it, without partition panes.
        return new WindowedTables(
            window,
            [.. Enumerable.Repeat(1 + 64 + 256, features)],
            1 + 8,
            pairs,
            partitionPanes: window.Mode != WindowMode.WholeStream);
    }
}
