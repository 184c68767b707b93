using System.Globalization;

namespace StreamMI.Benchmarks.Harness;

/// <summary>The harness's commands; each prints its figures as JSON lines on standard output.</summary>
internal static class HarnessCommands
{
    private const string Usage = """
        harness calibrate LABEL              the machine-speed gauge
        harness generate DIR EVENTS          write DIR/events.jsonl and DIR/events.csv
        harness engine [NAME-PREFIX]         windowed tables alone, by CPU time
        harness scan DIR THREADS [PREFIX]    scan stages and the whole scan on 1..THREADS threads
        harness pipeline DIR DECODERS        the worker's decode-and-count path without Kafka
        harness kafka DIR EVENTS PARTITIONS  the worker on the embedded Kafka peer
        harness memory F LEVELS CLASSES PANES  resident memory of a full window
        """;

    public static int Run(string[] args)
    {
        int Number(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        switch (args.FirstOrDefault())
        {
            case "calibrate" when args.Length == 2:
                Calibration.Run(args[1]);
                return 0;
            case "generate" when args.Length == 3:
                DataSetGenerator.Write(args[1], Number(2), seed: 20240917);
                return 0;
            case "engine":
                EngineThroughput.Run(args.Length > 1 ? args[1] : null);
                return 0;
            case "scan" when args.Length >= 3:
                ScanThroughput.Run(args[1], runs: 3, threads: Number(2), only: args.Length > 3 ? args[3] : null);
                return 0;
            case "pipeline" when args.Length == 3:
                PipelineThroughput.Run(args[1], runs: 3, maxDecoders: Number(2));
                return 0;
            case "kafka" when args.Length == 4:
                KafkaThroughput.Run(args[1], Number(2), Number(3));
                return 0;
            case "memory" when args.Length == 5:
                MemoryFootprint.Run(Number(1), Number(2), Number(3), Number(4));
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
