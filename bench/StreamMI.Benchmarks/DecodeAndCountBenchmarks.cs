using System.Text;
using BenchmarkDotNet.Attributes;
using StreamMI.Decoding;
using StreamMI.Decoding.Json;
using StreamMI.Host.Pipeline;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;

namespace StreamMI.Benchmarks;

/// <summary>
/// Per-event cost of decoding a 16-feature JSON event alone, and of the whole decode-and-count
/// path the worker and <c>streammi scan</c> run.
/// </summary>
[MemoryDiagnoser]
public class DecodeAndCountBenchmarks
{
    private const int Events = 16_384;

    private byte[][] _events = null!;
    private JsonEventDecoder _decoder = null!;
    private RecordSink _sink = null!;
    private MonitorEngine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        var features = Enumerable.Range(0, 16)
            .Select(i => new FeatureSpec($"f{i}", i % 4 == 3 ? FeatureKind.Numeric : FeatureKind.Categorical) { Edges = i % 4 == 3 ? [0.25, 0.5, 0.75] : null })
            .ToList();
        var schema = new MonitorSchema("bench", features, new FeatureSpec("y", FeatureKind.Categorical), WindowSpec.Sliding(TimeSpan.FromHours(1), 60));
        _engine = new MonitorEngine(schema);
        _decoder = new JsonEventDecoder([.. features.Select(f => f.Name), "y"]);
        _sink = new RecordSink(_engine.CreateRecord());
        _events = [.. Enumerable.Range(0, Events).Select(_ =>
        {
            var text = new StringBuilder("{");
            for (var f = 0; f < 16; f++)
            {
                text.Append(f % 4 == 3 ? $"\"f{f}\":{random.NextDouble():F4}," : $"\"f{f}\":\"v{random.Next(1 << (f % 4 * 3 + 2))}\",");
            }

            text.Append($"\"y\":\"c{random.Next(5)}\"}}");
            return Encoding.UTF8.GetBytes(text.ToString());
        })];
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void DecodeOnly()
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
        foreach (var e in _events)
        {
            _sink.Reset();
            _decoder.Decode(e, _sink);
            _sink.Record.EventTimeMs = 1_000;
            _engine.Apply(_sink.Record);
        }
    }
}
