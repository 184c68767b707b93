namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// Every test that talks to Kafka shares one peer and runs in this collection, one test at a
/// time: on a 2-core machine two streams of 20,000 messages at once would only slow each
/// other down and blur the timings they print.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KafkaPeerCollectionDefinition : ICollectionFixture<KafkaPeerFixture>
{
    public const string Name = "Kafka peer";
}
