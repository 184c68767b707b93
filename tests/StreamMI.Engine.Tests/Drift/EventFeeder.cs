using System.Globalization;
using System.Text;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Engine.Tests.Drift;

/// <summary>Feeds events given as field values straight into a monitor, the way a decoder would.</summary>
internal sealed class EventFeeder(MonitorEngine engine)
{
    private readonly EventRecord _record = engine.CreateRecord();
    private readonly Dictionary<string, byte[]> _utf8 = new(StringComparer.Ordinal);

    public MonitorEngine Engine => engine;

    /// <summary>
    /// Applies one event; <paramref name="features"/> are the feature values in schema order, each
    /// a string (categorical or boolean text) or a double (numeric).
    /// </summary>
    public ApplyOutcome Apply(long timeMs, string target, params object[] features)
    {
        _record.Reset();
        _record.EventTimeMs = timeMs;
        for (var f = 0; f < features.Length; f++)
        {
            switch (features[f])
            {
                case double number:
                    _record.SetNumber(f, number, Encoding.UTF8.GetBytes(number.ToString("R", CultureInfo.InvariantCulture)));
                    break;
                default:
                    _record.SetText(f, Utf8((string)features[f]));
                    break;
            }
        }

        _record.SetText(_record.TargetField, Utf8(target));
        return engine.Apply(_record);
    }

    // Long synthetic runs repeat a few values millions of times; encode each once.
    private byte[] Utf8(string value)
    {
        if (!_utf8.TryGetValue(value, out var bytes))
        {
            bytes = Encoding.UTF8.GetBytes(value);
            _utf8[value] = bytes;
        }

        return bytes;
    }
}
