using BenchmarkDotNet.Running;

namespace StreamMI.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/StreamMI.Benchmarks -- --filter '*'</c>.</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
