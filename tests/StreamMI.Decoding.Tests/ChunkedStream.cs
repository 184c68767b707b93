namespace StreamMI.Decoding.Tests;

/// <summary>A read-only stream over bytes that hands out at most a few bytes per read, the
/// count drawn at random, so readers meet every possible split of their input.</summary>
internal sealed class ChunkedStream(byte[] data, int maxChunk, int seed) : Stream
{
    private readonly Random _random = new(seed);

    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public bool WasDisposed { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int chunk = _random.Next(1, maxChunk + 1);
        int take = Math.Min(Math.Min(count, data.Length - _position), chunk);
        Array.Copy(data, _position, buffer, offset, take);
        _position += take;
        return take;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        WasDisposed = true;
        base.Dispose(disposing);
    }
}
