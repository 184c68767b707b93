using System.Text;
using BenchmarkDotNet.Attributes;
using StreamMI.Benchmarks.Harness;
using StreamMI.Decoding.Json;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;
using StreamMI.Host.Pipeline;

namespace StreamMI.Benchmarks;

/// <summary>
/// Per-event cost of decoding a 16-feature JSON event of the benchmark data set (parse alone,
/// and parse into an engine record that turns values into levels) and of the whole
/// decode-and-count path the worker and <c>streammi scan</c> run, with allocations per event.
/// </summary>
[MemoryDiagnoser]
public class DecodeAndCountBenchmarks
{
    private const int Events = 16_384;

    private byte[][] _events = null!;
    private JsonEventDecoder _decoder = null!;
    private NullSink _nothing = null!;
    private RecordSink _sink = null!;
    private MonitorEngine _engine = null!;
    private WindowSpec _window = null!;

    /// <summary>The window counted into: the worker's sliding default, or a scan's whole stream.</summary>
    [Params("sliding-1h-60", "whole-stream")]
    public string Window { get; set; } = "sliding-1h-60";

    [GlobalSetup]
    public void Setup()
    {
        _events = [.. DataSetGenerator.Rows(Events, seed: 20240917).Select(r => Encoding.UTF8.GetBytes(r.Json))];
        _window = Window == "whole-stream" ? WindowSpec.WholeStream : WindowSpec.Sliding(TimeSpan.FromHours(1), 60);
        _decoder = new JsonEventDecoder(ScanThroughput.Fields);
        _nothing = new NullSink();
        StartEngine();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Parse()
    {
        foreach (var e in _events)
        {
            _decoder.Decode(e, _nothing);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void DecodeToLevels()
    {
        foreach (var e in _events)
        {
            _sink.Reset();
            _decoder.Decode(e, _sink);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void DecodeAndCount()
    {
        // Every event falls in one pane, so the window never expires anything: a fresh engine
        // before it reaches its limit of 10^8 events keeps the benchmark timing counted events
        // rather than refused ones (about once every 6,000 operations).
        if (_engine.Tables.Events > _engine.Tables.MaxEvents - Events)
        {
            StartEngine();
        }

        CountAll();
    }

    private void StartEngine()
    {
        _engine = ScanThroughput.CreateEngine(_window);
        _sink = new RecordSink(_engine.CreateRecord());

        // Learn the numeric edges from the events, so every measured event is counted.
        CountAll();
        _engine.CompleteWarmUp();
    }

    private void CountAll()
    {
        foreach (var e in _events)
        {
            _sink.Reset();
            _decoder.Decode(e, _sink);
            _sink.Record.EventTimeMs = 1_000;
            _engine.Apply(_sink.Record);
        }
    }
}
