namespace StreamMI.Host.Pipeline;

/// <summary>A message as the consume loop hands it to a monitor's pipeline.</summary>
/// <param name="Partition">The Kafka partition it came from.</param>
/// <param name="Offset">Its offset in that partition.</param>
/// <param name="TimestampMs">The Kafka message timestamp, Unix milliseconds.</param>
/// <param name="Value">The message value; null for a tombstone.</param>
/// <param name="ReceivedTicks">When the consume loop received it, from the pipeline's time provider.</param>
public readonly record struct InboundMessage(
    int Partition,
    long Offset,
    long TimestampMs,
    byte[]? Value,
    long ReceivedTicks);
