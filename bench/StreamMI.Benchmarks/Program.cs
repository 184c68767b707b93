using BenchmarkDotNet.Running;
using StreamMI.Benchmarks.Harness;

namespace StreamMI.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet benchmarks (<c>-- --filter '*'</c>) or one of the throughput
/// harness's commands (<c>-- harness COMMAND</c>); <c>bash bench/run.sh</c> runs everything.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "harness")
        {
            return HarnessCommands.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
