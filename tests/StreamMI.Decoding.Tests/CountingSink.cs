namespace StreamMI.Decoding.Tests;

/// <summary>A sink that allocates nothing: it only sums what it is told, so allocation
/// tests measure the decoder alone.</summary>
internal sealed class CountingSink : IFieldSink
{
    public long Texts { get; private set; }

    public long TextBytes { get; private set; }

    public long Numbers { get; private set; }

    public double NumberSum { get; private set; }

    public long Booleans { get; private set; }

    public long Nulls { get; private set; }

    public void OnText(int field, ReadOnlySpan<byte> utf8)
    {
        Texts++;
        TextBytes += utf8.Length;
    }

    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken)
    {
        Numbers++;
        NumberSum += value;
    }

    public void OnBoolean(int field, bool value) => Booleans++;

    public void OnNull(int field) => Nulls++;
}
