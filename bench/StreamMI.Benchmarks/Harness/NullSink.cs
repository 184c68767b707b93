using StreamMI.Decoding;

namespace StreamMI.Benchmarks.Harness;

/// <summary>A sink that drops every value: decoding into it costs the parse alone.</summary>
internal sealed class NullSink : IFieldSink
{
    public int Values { get; private set; }

    public void OnText(int field, ReadOnlySpan<byte> utf8) => Values++;

    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken) => Values++;

    public void OnBoolean(int field, bool value) => Values++;

    public void OnNull(int field) => Values++;
}
