namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// A fixed loop of additions into a small array, timed by CPU time: a gauge of how fast the
/// machine runs at the moment, to read next to the other figures.
/// </summary>
/// <remarks>
/// On the shared virtual machines these figures come from, the same loop has taken 1.1 ns per
/// iteration on some occasions and 3.0 ns on others, with the machine's own load average alike:
/// the host under the virtual machine is shared too. CPU time removes the waiting for a core
/// inside the machine but not a slower core, so every run reports this gauge at its start and
/// end, and figures from runs whose gauges differ are not comparable.
/// </remarks>
internal static class Calibration
{
    private const int Iterations = 200_000_000;

    public static void Run(string label)
    {
        var slots = new long[1024];
        var timing = Clock.Best(3, () =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                slots[(i * 7) & 1023] += i;
            }
        });
        ResultWriter.WriteValue(
            $"calibration.{label}",
            timing.CpuSeconds / Iterations * 1e9,
            "ns",
            $"one iteration of a fixed add loop, by CPU time (checksum {slots.Sum()})");
    }
}
