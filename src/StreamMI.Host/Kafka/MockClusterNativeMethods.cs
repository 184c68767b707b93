using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace StreamMI.Host.Kafka;

/// <summary>
/// The librdkafka C functions that create and steer a mock Kafka cluster, bound to the same
/// native library that Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// <para>
/// We bind by function pointer (<see cref="NativeLibrary.GetExport"/>) rather than with
/// <c>[DllImport]</c> plus <see cref="NativeLibrary.SetDllImportResolver"/>. A resolver can be
/// registered only once per assembly, and StreamMI.Host is shared by the worker and the command
/// line: a second registration anywhere else in it would throw. Function pointers taken from the
/// handle that <see cref="LibrdkafkaLocator"/> returns reach the same file with no process-wide
/// side effect.
/// </para>
/// <para>
/// The mock API is marked experimental in <c>rdkafka_mock.h</c> and is outside librdkafka's ABI
/// promise. The signatures below match librdkafka 2.16 (the version librdkafka.redist brings
/// with Confluent.Kafka 2.16.0); a missing export fails with a message naming the function.
/// </para>
/// </remarks>
internal static class MockClusterNativeMethods
{
    /// <summary>RD_KAFKA_PRODUCER in rd_kafka_type_t.</summary>
    private const int ProducerType = 0;

    /// <summary>RD_KAFKA_CONF_OK in rd_kafka_conf_res_t.</summary>
    private const int ConfOk = 0;

    /// <summary>librdkafka writes error text into caller buffers of this size.</summary>
    private const int ErrorBufferSize = 512;

    private static readonly Lock _gate = new();

    private static Functions? _functions;

    /// <summary>
    /// Creates a librdkafka client handle that owns a new mock cluster of
    /// <paramref name="brokerCount"/> brokers listening on 127.0.0.1.
    /// </summary>
    public static MockClusterSafeHandle CreateCluster(int brokerCount)
    {
        Functions f = Bind();

        IntPtr conf = f.ConfNew();
        if (conf == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_conf_new returned no configuration.");
        }

        IntPtr client;
        try
        {
            // The owning handle never produces; it only keeps the mock cluster's books. Its own
            // log lines (for example that it has no bootstrap servers) would be noise in the
            // demo, so only errors are printed.
            SetConf(f, conf, "client.id", "streammi-embedded-kafka");
            SetConf(f, conf, "log_level", "3");

            var error = new byte[ErrorBufferSize];
            client = f.New(ProducerType, conf, error, (nuint)error.Length);
            if (client == IntPtr.Zero)
            {
                throw new InvalidOperationException(
                    "librdkafka could not create the client that owns the embedded Kafka "
                    + "cluster: " + TextOf(error));
            }
        }
        catch
        {
            // rd_kafka_new takes the configuration only when it succeeds.
            f.ConfDestroy(conf);
            throw;
        }

        IntPtr cluster = f.ClusterNew(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            f.Destroy(client);
            throw new InvalidOperationException(
                $"librdkafka could not start a mock cluster of {brokerCount} broker(s); most "
                + "likely no listening socket could be opened on 127.0.0.1.");
        }

        return new MockClusterSafeHandle(cluster, client);
    }

    public static string Bootstraps(MockClusterSafeHandle cluster)
    {
        ClusterBootstrapsFunction bootstraps = Bind().ClusterBootstraps;
        IntPtr text = Call(cluster, c => bootstraps(c));
        return Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }

    public static ErrorCode TopicCreate(
        MockClusterSafeHandle cluster,
        string topic,
        int partitions,
        int replicationFactor)
    {
        TopicCreateFunction create = Bind().TopicCreate;
        return Call(cluster, c => create(c, topic, partitions, replicationFactor));
    }

    public static ErrorCode BrokerSetDown(MockClusterSafeHandle cluster, int brokerId)
    {
        BrokerFunction setDown = Bind().BrokerSetDown;
        return Call(cluster, c => setDown(c, brokerId));
    }

    public static ErrorCode BrokerSetUp(MockClusterSafeHandle cluster, int brokerId)
    {
        BrokerFunction setUp = Bind().BrokerSetUp;
        return Call(cluster, c => setUp(c, brokerId));
    }

    public static ErrorCode BrokerSetRtt(MockClusterSafeHandle cluster, int brokerId, int rttMs)
    {
        BrokerSetRttFunction setRtt = Bind().BrokerSetRtt;
        return Call(cluster, c => setRtt(c, brokerId, rttMs));
    }

    public static void PushRequestErrors(
        MockClusterSafeHandle cluster,
        short apiKey,
        ErrorCode[] errors)
    {
        PushRequestErrorsArrayFunction push = Bind().PushRequestErrorsArray;
        Call(cluster, c =>
        {
            push(c, apiKey, (nuint)errors.Length, errors);
            return 0;
        });
    }

    public static void ClearRequestErrors(MockClusterSafeHandle cluster, short apiKey)
    {
        ClearRequestErrorsFunction clear = Bind().ClearRequestErrors;
        Call(cluster, c =>
        {
            clear(c, apiKey);
            return 0;
        });
    }

    public static void GroupInitialRebalanceDelay(MockClusterSafeHandle cluster, int delayMs)
    {
        GroupDelayFunction setDelay = Bind().GroupInitialRebalanceDelayMs;
        Call(cluster, c =>
        {
            setDelay(c, delayMs);
            return 0;
        });
    }

    /// <summary>
    /// Stops the brokers, then destroys the client that owned them. Called once, from
    /// <see cref="MockClusterSafeHandle.ReleaseHandle"/>.
    /// </summary>
    public static void DestroyCluster(IntPtr cluster, IntPtr client)
    {
        Functions f = Bind();
        f.ClusterDestroy(cluster);
        f.Destroy(client);
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the raw cluster pointer, one call per cluster at a
    /// time, while holding a reference on the handle so that a concurrent dispose cannot free
    /// the cluster underneath it.
    /// </summary>
    /// <remarks>
    /// Each rd_kafka_mock_* control call posts an operation to the mock cluster's thread and
    /// blocks for the reply. Measured with librdkafka 2.16: one caller at a time gets about a
    /// thousand replies a second, but two or more callers at once stall for a second at a
    /// time, and four callers stopped getting replies at all (all blocked in
    /// rd_kafka_op_req, the mock thread idle). Serialising the calls avoids that.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The handle was already disposed.</exception>
    private static T Call<T>(MockClusterSafeHandle cluster, Func<IntPtr, T> call)
    {
        lock (cluster.CallGate)
        {
            bool added = false;
            try
            {
                cluster.DangerousAddRef(ref added);
                return call(cluster.DangerousGetHandle());
            }
            finally
            {
                if (added)
                {
                    cluster.DangerousRelease();
                }
            }
        }
    }

    private static void SetConf(Functions f, IntPtr conf, string name, string value)
    {
        var error = new byte[ErrorBufferSize];
        int result = f.ConfSet(conf, name, value, error, (nuint)error.Length);
        if (result != ConfOk)
        {
            throw new InvalidOperationException(
                $"librdkafka rejected {name}={value}: {TextOf(error)}");
        }
    }

    private static string TextOf(byte[] nulTerminated)
    {
        int end = Array.IndexOf(nulTerminated, (byte)0);
        return System.Text.Encoding.UTF8.GetString(
            nulTerminated,
            0,
            end < 0 ? nulTerminated.Length : end);
    }

    private static Functions Bind()
    {
        lock (_gate)
        {
            _functions ??= new Functions(LibrdkafkaLocator.Load());
            return _functions;
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ConfNewFunction();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ConfDestroyFunction(IntPtr conf);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ConfSetFunction(
        IntPtr conf,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        byte[] errorText,
        nuint errorTextSize);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr NewFunction(
        int type,
        IntPtr conf,
        byte[] errorText,
        nuint errorTextSize);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void DestroyFunction(IntPtr client);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ClusterNewFunction(IntPtr client, int brokerCount);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ClusterDestroyFunction(IntPtr cluster);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ClusterBootstrapsFunction(IntPtr cluster);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate ErrorCode TopicCreateFunction(
        IntPtr cluster,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string topic,
        int partitions,
        int replicationFactor);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate ErrorCode BrokerFunction(IntPtr cluster, int brokerId);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate ErrorCode BrokerSetRttFunction(
        IntPtr cluster,
        int brokerId,
        int rttMs);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void PushRequestErrorsArrayFunction(
        IntPtr cluster,
        short apiKey,
        nuint count,
        ErrorCode[] errors);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ClearRequestErrorsFunction(IntPtr cluster, short apiKey);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void GroupDelayFunction(IntPtr cluster, int delayMs);

    /// <summary>
    /// The bound functions. The delegates live as long as the process (in a static field), so
    /// the function pointers behind them are never collected while native code may run.
    /// </summary>
    private sealed class Functions
    {
        public Functions(LoadedLibrdkafka library)
        {
            ConfNew = Get<ConfNewFunction>(library, "rd_kafka_conf_new");
            ConfDestroy = Get<ConfDestroyFunction>(library, "rd_kafka_conf_destroy");
            ConfSet = Get<ConfSetFunction>(library, "rd_kafka_conf_set");
            New = Get<NewFunction>(library, "rd_kafka_new");
            Destroy = Get<DestroyFunction>(library, "rd_kafka_destroy");
            ClusterNew = Get<ClusterNewFunction>(library, "rd_kafka_mock_cluster_new");
            ClusterDestroy = Get<ClusterDestroyFunction>(
                library,
                "rd_kafka_mock_cluster_destroy");
            ClusterBootstraps = Get<ClusterBootstrapsFunction>(
                library,
                "rd_kafka_mock_cluster_bootstraps");
            TopicCreate = Get<TopicCreateFunction>(library, "rd_kafka_mock_topic_create");
            BrokerSetDown = Get<BrokerFunction>(library, "rd_kafka_mock_broker_set_down");
            BrokerSetUp = Get<BrokerFunction>(library, "rd_kafka_mock_broker_set_up");
            BrokerSetRtt = Get<BrokerSetRttFunction>(library, "rd_kafka_mock_broker_set_rtt");
            PushRequestErrorsArray = Get<PushRequestErrorsArrayFunction>(
                library,
                "rd_kafka_mock_push_request_errors_array");
            ClearRequestErrors = Get<ClearRequestErrorsFunction>(
                library,
                "rd_kafka_mock_clear_request_errors");
            GroupInitialRebalanceDelayMs = Get<GroupDelayFunction>(
                library,
                "rd_kafka_mock_group_initial_rebalance_delay_ms");
        }

        public ConfNewFunction ConfNew { get; }

        public ConfDestroyFunction ConfDestroy { get; }

        public ConfSetFunction ConfSet { get; }

        public NewFunction New { get; }

        public DestroyFunction Destroy { get; }

        public ClusterNewFunction ClusterNew { get; }

        public ClusterDestroyFunction ClusterDestroy { get; }

        public ClusterBootstrapsFunction ClusterBootstraps { get; }

        public TopicCreateFunction TopicCreate { get; }

        public BrokerFunction BrokerSetDown { get; }

        public BrokerFunction BrokerSetUp { get; }

        public BrokerSetRttFunction BrokerSetRtt { get; }

        public PushRequestErrorsArrayFunction PushRequestErrorsArray { get; }

        public ClearRequestErrorsFunction ClearRequestErrors { get; }

        public GroupDelayFunction GroupInitialRebalanceDelayMs { get; }

        private static T Get<T>(LoadedLibrdkafka library, string name)
            where T : Delegate
        {
            if (!NativeLibrary.TryGetExport(library.Handle, name, out IntPtr export))
            {
                throw new EntryPointNotFoundException(
                    $"The librdkafka loaded from '{library.Path}' does not export {name}; it "
                    + "was built without the mock cluster, or its mock API changed. The "
                    + "embedded Kafka cluster needs the librdkafka.redist build that matches "
                    + "Confluent.Kafka.");
            }

            return Marshal.GetDelegateForFunctionPointer<T>(export);
        }
    }
}
