using System.Globalization;
using System.Text;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Engine.Tests.Drift;

/// <summary>Feeds events given as field values straight into a monitor, the way a decoder would.</summary>
internal sealed class EventFeeder(MonitorEngine engine)
{
    private readonly EventRecord _record = engine.CreateRecord();

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
                    _record.SetText(f, Encoding.UTF8.GetBytes((string)features[f]));
                    break;
            }
        }

        _record.SetText(_record.TargetField, Encoding.UTF8.GetBytes(target));
        return engine.Apply(_record);
    }
}
