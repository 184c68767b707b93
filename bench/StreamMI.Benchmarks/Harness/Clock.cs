using System.Diagnostics;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Times a piece of work by the wall clock and by the CPU time the process spent on it.
/// </summary>
/// <remarks>
/// The machines these figures come from are shared: when other jobs load them, the wall clock
/// counts time spent waiting for a core, while CPU time counts only time spent running. For
/// work on one thread, CPU time is therefore the figure that an idle core would show (caches
/// shared with other jobs still cost something), and the harness reports both.
/// </remarks>
internal static class Clock
{
    /// <summary>Runs <paramref name="work"/> once and returns how long it took.</summary>
    public static Timing Time(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();

        work();

        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        return new Timing(wall.Elapsed.TotalSeconds, cpu.TotalSeconds);
    }

    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="runs"/> times after one untimed warm-up run
    /// and returns the run with the least CPU time: the one least disturbed by other jobs.
    /// </summary>
    public static Timing Best(int runs, Action work)
    {
        Time(work);
        var best = new Timing(double.MaxValue, double.MaxValue);
        for (var i = 0; i < runs; i++)
        {
            var timing = Time(work);
            if (timing.CpuSeconds < best.CpuSeconds)
            {
                best = timing;
            }
        }

        return best;
    }
}
