using System.Text;

namespace StreamMI.Decoding.Tests;

/// <summary>One value a decoder reported, copied out of the span it arrived in.</summary>
internal sealed record ReportedValue(
    int Field,
    string Kind,
    string? Text = null,
    double Number = 0,
    string? RawToken = null,
    bool Boolean = false);

/// <summary>Keeps every call a decoder makes, in order, for assertions.</summary>
internal sealed class RecordingSink : IFieldSink
{
    public List<ReportedValue> Values { get; } = [];

    public void OnText(int field, ReadOnlySpan<byte> utf8) =>
        Values.Add(new ReportedValue(field, "text", Text: Encoding.UTF8.GetString(utf8)));

    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken) =>
        Values.Add(new ReportedValue(
            field, "number", Number: value, RawToken: Encoding.UTF8.GetString(rawToken)));

    public void OnBoolean(int field, bool value) =>
        Values.Add(new ReportedValue(field, "boolean", Boolean: value));

    public void OnNull(int field) => Values.Add(new ReportedValue(field, "null"));

    /// <summary>The one value reported for <paramref name="field"/>; fails when there were
    /// none or several.</summary>
    public ReportedValue Single(int field) => Assert.Single(Values, v => v.Field == field);

    public bool Has(int field) => Values.Exists(v => v.Field == field);
}
