using System.Runtime.InteropServices;

namespace StreamMI.Host.Kafka;

/// <summary>
/// Owns a librdkafka mock cluster and the client handle it was created on.
/// </summary>
/// <remarks>
/// A <see cref="SafeHandle"/> gives the thread-safety that <see cref="EmbeddedKafkaCluster"/>
/// promises: every native call made through it adds a reference for its duration, so when
/// thread T1 disposes while thread T2 is inside, say, <c>rd_kafka_mock_topic_create</c>, the
/// release waits until T2's call returns, and calls that start after the dispose fail with
/// <see cref="ObjectDisposedException"/> instead of touching freed memory. The release also
/// runs from the finalizer if the owner is never disposed.
/// </remarks>
internal sealed class MockClusterSafeHandle : SafeHandle
{
    private readonly IntPtr _client;

    public MockClusterSafeHandle(IntPtr cluster, IntPtr client)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(cluster);
        _client = client;
    }

    /// <summary>
    /// Serialises the control calls made on this cluster; MockClusterNativeMethods says why.
    /// </summary>
    public Lock CallGate { get; } = new();

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        // The cluster is destroyed first: it belongs to the client and uses its threads.
        MockClusterNativeMethods.DestroyCluster(handle, _client);
        return true;
    }
}
