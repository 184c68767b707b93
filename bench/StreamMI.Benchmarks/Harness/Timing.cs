namespace StreamMI.Benchmarks.Harness;

/// <summary>How long one timed run took.</summary>
/// <param name="WallSeconds">Elapsed time by the wall clock.</param>
/// <param name="CpuSeconds">CPU time of the whole process over the run, all threads.</param>
internal readonly record struct Timing(double WallSeconds, double CpuSeconds);
