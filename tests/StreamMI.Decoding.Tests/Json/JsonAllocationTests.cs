using System.Text;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Json;

public sealed class JsonAllocationTests
{
    [Fact]
    public void Decode_ManyEventsAfterWarmUp_AllocatesNothing()
    {
        // Events exercise every path: escapes (scratch buffer), nested walks, skipped
        // containers, raw-text values, numbers, booleans, nulls, missing fields, and the
        // errors found without the reader throwing. (Malformed JSON is the exception: the
        // reader reports it by throwing, which allocates; see the test below.)
        byte[][] events = Enumerable.Range(0, 64)
            .Select(i => Encoding.UTF8.GetBytes(Event(i)))
            .Append(Encoding.UTF8.GetBytes("[1, 2]"))
            .Append(Encoding.UTF8.GetBytes("""{"a": [[[[[[[[[[[[1]]]]]]]]]]]]}"""))
            .Append([.. "{\"a\": \""u8, 0xFF, .. "\"}"u8])
            .ToArray();
        string[] paths =
        [
            "amount", "user.country", "user.age", "flag", "missing", "nested", "note",
            "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9",
        ];
        var decoder = new JsonEventDecoder(paths, new JsonDecoderLimits { MaxDepth = 10 });
        var sink = new CountingSink();
        foreach (byte[] e in events)
        {
            decoder.Decode(e, sink);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int errors = 0;
        for (int round = 0; round < 200; round++)
        {
            foreach (byte[] e in events)
            {
                errors += decoder.Decode(e, sink) == DecodeError.None ? 0 : 1;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(600, errors);
        Assert.True(sink.Texts > 0 && sink.Numbers > 0);
        Assert.True(sink.Booleans > 0 && sink.Nulls > 0);
    }

    [Fact]
    public void Decode_MalformedEvent_CostsOneCaughtExceptionAndStillReturnsTheReason()
    {
        // Utf8JsonReader reports syntax errors only by throwing; the decoder catches that, so
        // a malformed event allocates the exception object. This test pins down that the
        // cost is bounded per event and does not grow with the number of events.
        var decoder = new JsonEventDecoder(["amount"]);
        var sink = new CountingSink();
        byte[] malformed = Encoding.UTF8.GetBytes("""{"amount": 1,""");
        decoder.Decode(malformed, sink);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = decoder.Decode(malformed, sink);
        long one = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            decoder.Decode(malformed, sink);
        }

        long hundred = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DecodeError.MalformedJson, error);
        Assert.InRange(hundred, 0, 100 * one * 2);
    }

    private static string Event(int i) =>
        "{\"amount\": " + FormattableString.Invariant($"{i * 1.25}")
        + ", \"user\": {\"country\": \"N\\u004c" + new string('x', i) + "\", \"age\": " + i
        + ", \"skip\": [1, {\"deep\": [2]}]}"
        + ", \"flag\": " + (i % 2 == 0 ? "true" : "false")
        + ", \"nested\": {\"a\": [1, 2, 3]}"
        + ", \"note\": null, \"ignored\": {\"x\": \"y\"}"
        + string.Concat(Enumerable.Range(0, 10).Select(k => $", \"k{k}\": {k}"))
        + "}";
}
