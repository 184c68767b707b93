using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>The regression corpus through the decoder, each case checked against the verdict
/// written in the corpus and against <see cref="DecodeOracle"/>.</summary>
public sealed class JsonDecoderCorpusTests
{
    public static TheoryData<int> Lines => FuzzCorpus.Lines();

    [Theory]
    [MemberData(nameof(Lines))]
    public void Decode_CorpusCase_GivesTheRecordedVerdict(int line)
    {
        var corpusCase = FuzzCorpus.At(line);
        var decoder = new JsonEventDecoder(HostilePayloads.Paths);
        var oracle = DecodeOracle.Verdict(corpusCase.Payload, HostilePayloads.Paths, JsonDecoderLimits.Default, out _);

        var verdict = decoder.Decode(corpusCase.Payload, new CountingSink());

        Assert.Equal(corpusCase.Verdict, verdict.ToReasonName());
        Assert.Equal(oracle, verdict);
    }

    [Fact]
    public void Expand_Template_WritesBytesRepeatsAndPercent()
    {
        var bytes = FuzzCorpus.Expand("a%FF%%%{3*xy%}b");

        Assert.Equal([(byte)'a', 0xFF, (byte)'%', .. "xyxyxy"u8, (byte)'b'], bytes);
    }
}
