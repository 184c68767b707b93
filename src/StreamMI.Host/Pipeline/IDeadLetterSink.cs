namespace StreamMI.Host.Pipeline;

/// <summary>Receives messages that could not be counted, with the reason.</summary>
public interface IDeadLetterSink
{
    /// <summary>Forwards one skipped message. Must not block for long and must not throw.</summary>
    void Publish(InboundMessage message, string reason);
}
