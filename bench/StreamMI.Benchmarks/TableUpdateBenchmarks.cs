using BenchmarkDotNet.Attributes;
using StreamMI.Engine.Windows;

namespace StreamMI.Benchmarks;

/// <summary>
/// Per-event cost of counting into feature–target tables (and optional feature–feature pairs)
/// of a sliding window of 60 panes, as the worker does, or of a whole-stream window, as a scan
/// does. One operation is one event; allocations are reported per operation.
/// </summary>
[MemoryDiagnoser]
public class TableUpdateBenchmarks
{
    private const int Events = 65_536;

    private WindowedTables _tables = null!;
    private Func<WindowedTables> _createTables = null!;
    private int[][] _levels = null!;
    private int[] _targets = null!;

    [Params(16, 64)]
    public int Features { get; set; }

    [Params(0, 120)]
    public int Pairs { get; set; }

    [Params("sliding-1h-60", "whole-stream")]
    public string Window { get; set; } = "sliding-1h-60";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var pairs = new List<(int, int)>();
        for (var a = 0; a < 16 && pairs.Count < Pairs; a++)
        {
            for (var b = a + 1; b < 16 && pairs.Count < Pairs; b++)
            {
                pairs.Add((a, b));
            }
        }

        var window = Window == "whole-stream" ? WindowSpec.WholeStream : WindowSpec.Sliding(TimeSpan.FromMinutes(60), 60);
        // A whole stream is counted the way a scan counts it, without partition panes.
        _createTables = () => new WindowedTables(
            window,
            [.. Enumerable.Repeat(1 + 64 + 256, Features)],
            1 + 8,
            pairs,
            partitionPanes: window.Mode != WindowMode.WholeStream);
        _tables = _createTables();
        _levels = [.. Enumerable.Range(0, Events).Select(_ => Enumerable.Range(0, Features).Select(_ => 1 + random.Next(64)).ToArray())];
        _targets = [.. Enumerable.Range(0, Events).Select(_ => 1 + random.Next(5))];
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void CountEvents()
    {
        // Every event falls in one pane, so neither window ever expires anything: after some
        // 1,500 operations it would hold its limit of 10^8 events and refuse the rest, and the
        // benchmark would time refusals. Fresh tables before that keep it timing counting, at the
        // cost of one allocation of tables every 1,500 or so operations.
        if (_tables.Events > _tables.MaxEvents - Events)
        {
            _tables = _createTables();
        }

        for (var i = 0; i < Events; i++)
        {
            _tables.Apply(_levels[i], _targets[i], eventTimeMs: 1_000);
        }
    }
}
