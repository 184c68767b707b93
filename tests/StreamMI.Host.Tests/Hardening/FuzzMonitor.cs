using StreamMI.Decoding;
using StreamMI.Decoding.Json;
using StreamMI.Decoding.Tests.Fuzz;
using StreamMI.Engine.Monitoring;
using StreamMI.Host.Configuration;
using StreamMI.Host.Pipeline;

namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// The monitor the fuzz payloads are written for, and a one-payload-at-a-time recount of what
/// its pipeline must do with each payload, built the way <c>streammi scan</c> counts a file.
/// </summary>
internal sealed class FuzzMonitor
{
    private readonly MonitorEngine _engine;
    private readonly JsonEventDecoder _decoder;
    private readonly RecordSink _sink;

    public FuzzMonitor(MonitorOptions options)
    {
        var schema = FeatureSelection.From(options).BuildSchema(
            options.DisplayName,
            available: [],
            infer: _ => null,
            WindowSettings.From(options),
            options.WarmUpEvents);
        _engine = new MonitorEngine(schema);
        var paths = schema.Features.Select(f => f.Name).Append(schema.Target.Name).Append(options.EventTimeField!).ToList();
        _decoder = new JsonEventDecoder(paths, new JsonDecoderLimits { MaxBytes = options.MaxMessageBytes });
        _sink = new RecordSink(_engine.CreateRecord(), timeField: paths.Count - 1);
    }

    /// <summary>The options of the fuzz monitor: every kind of field, an event-time field,
    /// and fixed bin edges so that counting does not wait for a warm-up.</summary>
    public static MonitorOptions Options(int decoders) => new()
    {
        Name = "fuzz",
        Topic = "fuzz",
        Target = "label",
        Features = ["colour", "amount", "flag", "user.country"],
        Categorical = ["colour", "user.country"],
        Numeric = ["amount"],
        Boolean = ["flag"],
        Edges = new Dictionary<string, List<double>> { ["amount"] = [0, 10, 100] },
        EventTimeField = "ts",
        WindowMode = "whole-stream",
        Decoders = decoders,
    };

    public MonitorEngine Engine => _engine;

    /// <summary>Counts one payload and says what the decoder made of it (null for no bytes).</summary>
    public DecodeError? Count(byte[]? payload)
    {
        if (payload is not { Length: > 0 })
        {
            _engine.CountSkipped(SkipReason.EmptyMessage);
            return null;
        }

        _sink.Reset();
        var error = _decoder.Decode(payload, _sink);
        if (error != DecodeError.None)
        {
            _engine.CountSkipped(RecordSink.ToSkipReason(error));
            return error;
        }

        if (!_sink.HasTime)
        {
            _sink.Record.Fail(SkipReason.MissingTimestamp);
        }

        _engine.Apply(_sink.Record);
        return error;
    }

    /// <summary>The paths the generator writes events for must be the ones this monitor reads.</summary>
    public static bool MatchesGenerator(MonitorOptions options) =>
        options.Features.Append(options.Target!).Append(options.EventTimeField!).Order(StringComparer.Ordinal)
            .SequenceEqual(HostilePayloads.Paths.Order(StringComparer.Ordinal));
}
