namespace StreamMI.Host.Tests.Kafka;

/// <summary>Which Kafka the integration tests talk to.</summary>
public enum KafkaPeerKind
{
    /// <summary>A broker named by <c>STREAMMI_TEST_KAFKA_BOOTSTRAP</c>.</summary>
    External,

    /// <summary>A real Kafka in a container started by Testcontainers.Kafka.</summary>
    Testcontainers,

    /// <summary>librdkafka's mock cluster inside the test process.</summary>
    Embedded,
}
