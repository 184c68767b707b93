using System.Diagnostics.CodeAnalysis;

namespace StreamMI.Engine.Discretisation;

/// <summary>
/// Compares byte arrays by content and lets a dictionary keyed by byte[] be probed with a span,
/// so looking up a value decoded from a message allocates nothing.
/// </summary>
internal sealed class ByteArrayComparer :
    IEqualityComparer<byte[]>,
    IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode([DisallowNull] byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) =>
        (int)StableHash.Hash(alternate, seed: 0x5EED);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
