using Confluent.Kafka;
using Confluent.Kafka.Admin;
using StreamMI.Host.Kafka;
using Testcontainers.Kafka;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Yields one Kafka for the integration tests, the first of: an external broker named by
/// <c>STREAMMI_TEST_KAFKA_BOOTSTRAP</c>; a Kafka container, when a Docker engine answers;
/// librdkafka's mock cluster inside this process, which is always there.
/// </summary>
/// <remarks>
/// Which one was chosen, and why, goes to the xunit diagnostic message sink and is in
/// <see cref="Description"/> for tests to print through their <see cref="ITestOutputHelper"/>.
/// </remarks>
public sealed class KafkaPeerFixture : IAsyncLifetime
{
    /// <summary>The environment variable that names an external broker to test against.</summary>
    public const string BootstrapVariable = "STREAMMI_TEST_KAFKA_BOOTSTRAP";

    // The image Testcontainers.Kafka 4.17 documents as its default.
    private const string KafkaImage = "confluentinc/cp-kafka:7.5.12";

    private static readonly TimeSpan _dockerProbeBound = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan _adminBound = TimeSpan.FromSeconds(15);

    private readonly IMessageSink _sink;

    private EmbeddedKafkaCluster? _embedded;

    private KafkaContainer? _container;

    public KafkaPeerFixture(IMessageSink sink)
    {
        _sink = sink;
    }

    /// <summary>Which kind of Kafka was chosen.</summary>
    public KafkaPeerKind Kind { get; private set; }

    /// <summary>The address to pass as a client's <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; private set; } = string.Empty;

    /// <summary>One sentence: which Kafka, where, and why it was chosen.</summary>
    public string Description { get; private set; } = string.Empty;

    /// <summary>A topic or group name that no earlier test or run has used.</summary>
    public static string UniqueName(string prefix)
    {
        return $"{prefix}-{Guid.NewGuid():N}";
    }

    public async Task InitializeAsync()
    {
        string? external = Environment.GetEnvironmentVariable(BootstrapVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            await UseExternalAsync(external.Trim());
            return;
        }

        string whyNotContainer;
        if (await DockerEngineProbe.AnswersAsync(_dockerProbeBound))
        {
            try
            {
                await UseContainerAsync();
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // By design: a Docker engine that cannot start the image (no registry access,
                // say) should not fail every Kafka test when the embedded cluster can run them.
                whyNotContainer = "a Docker engine answered but the Kafka container did not "
                    + $"start ({ex.GetType().Name}: {ex.Message})";
                if (_container is not null)
                {
                    await _container.DisposeAsync();
                    _container = null;
                }
            }
        }
        else
        {
            whyNotContainer = "no Docker engine answered within "
                + $"{_dockerProbeBound.TotalSeconds:0} s";
        }

        UseEmbedded(whyNotContainer);
    }

    public async Task DisposeAsync()
    {
        _embedded?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>Creates a topic on whichever Kafka was chosen, and waits until it exists.</summary>
    public void CreateTopic(string name, int partitions)
    {
        // Blocking is safe here: the admin client completes its task on its own thread.
        CreateTopicAsync(name, partitions).GetAwaiter().GetResult();
    }

    /// <summary>Creates a topic on whichever Kafka was chosen, and waits until it exists.</summary>
    public async Task CreateTopicAsync(string name, int partitions)
    {
        if (_embedded is not null)
        {
            // The mock cluster does not serve the CreateTopics request of the Admin API.
            _embedded.CreateTopic(name, partitions);
            return;
        }

        using IAdminClient admin = new AdminClientBuilder(
            new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var topic = new TopicSpecification
        {
            Name = name,
            NumPartitions = partitions,
            ReplicationFactor = 1,
        };
        var options = new CreateTopicsOptions
        {
            OperationTimeout = _adminBound,
            RequestTimeout = _adminBound,
        };
        await admin.CreateTopicsAsync([topic], options);
    }

    private async Task UseExternalAsync(string bootstrap)
    {
        // Fail here, once and clearly, rather than in every test with a consumer that waits.
        using IAdminClient admin = new AdminClientBuilder(
            new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        try
        {
            Metadata metadata = await Task.Run(() => admin.GetMetadata(_adminBound));
            Choose(
                KafkaPeerKind.External,
                bootstrap,
                $"external Kafka at {bootstrap} ({metadata.Brokers.Count} broker(s)), "
                + $"named by {BootstrapVariable}");
        }
        catch (KafkaException ex)
        {
            throw new InvalidOperationException(
                $"{BootstrapVariable}={bootstrap} names a Kafka that did not answer a metadata "
                + $"request (waited at most {_adminBound.TotalSeconds:0} s): {ex.Message}",
                ex);
        }
    }

    private async Task UseContainerAsync()
    {
        _container = new KafkaBuilder(KafkaImage).Build();
        await _container.StartAsync();
        string bootstrap = _container.GetBootstrapAddress();
        Choose(
            KafkaPeerKind.Testcontainers,
            bootstrap,
            $"Kafka container {KafkaImage} at {bootstrap}, started by Testcontainers");
    }

    private void UseEmbedded(string whyNotContainer)
    {
        _embedded = EmbeddedKafkaCluster.Start(brokers: 1);

        // One second lets consumers created one after the other join the group's first
        // generation together; the mock's 3 s default only slows every test down.
        _embedded.SetGroupInitialRebalanceDelay(TimeSpan.FromSeconds(1));

        Choose(
            KafkaPeerKind.Embedded,
            _embedded.BootstrapServers,
            $"{_embedded} in this process, librdkafka from {_embedded.NativeLibraryPath} "
            + $"({BootstrapVariable} unset; {whyNotContainer})");
    }

    private void Choose(KafkaPeerKind kind, string bootstrap, string description)
    {
        Kind = kind;
        BootstrapServers = bootstrap;
        Description = "Kafka peer: " + description;
        _sink.OnMessage(new DiagnosticMessage(Description));
    }
}
