using StreamMI.Decoding;
using StreamMI.Engine.Monitoring;

namespace StreamMI.Host.Pipeline;

/// <summary>
/// A decoded event travelling from a decoding lane to the counting stage. Instances are pooled:
/// the counting stage returns each one once it is counted, so the steady state allocates none.
/// </summary>
internal sealed class PipelineEvent
{
    public PipelineEvent(EventRecord record, int timeField)
    {
        Sink = new RecordSink(record, timeField);
    }

    public RecordSink Sink { get; }

    public EventRecord Record => Sink.Record;

    public InboundMessage Message { get; set; }
}
