using System.Globalization;
using System.Text;
using StreamMI.Decoding.Inference;
using StreamMI.Decoding.Json;

namespace StreamMI.Decoding.Tests.Inference;

public sealed class ColumnKindInferenceTests
{
    [Fact]
    public void Infer_TrueFalseInAnyCaseWithMissing_IsBoolean()
    {
        var result = ColumnKindInference.Infer(["true", "FALSE", "True", null, "", "false"]);

        Assert.Equal(InferredKind.Boolean, result.Kind);
        Assert.Equal(6, result.SampledCount);
        Assert.Equal(2, result.MissingCount);
        Assert.Equal(
            "all 4 non-missing sampled values are true/false; 2 missing", result.Reason);
    }

    [Fact]
    public void Infer_ManyDistinctNumbers_IsNumericWithTheirCount()
    {
        var random = new Random(812);
        string[] values = Enumerable.Range(0, 1000)
            .Select(_ => random.Next(0, 1500).ToString(CultureInfo.InvariantCulture))
            .ToArray();
        int distinct = values.Distinct().Count();

        var result = ColumnKindInference.Infer(values);

        Assert.Equal(InferredKind.Numeric, result.Kind);
        Assert.Equal(distinct, result.DistinctCount);
        Assert.Equal(
            $"all 1000 non-missing sampled values numeric with {distinct} distinct",
            result.Reason);
    }

    [Theory]
    [InlineData(20, InferredKind.Categorical)]
    [InlineData(21, InferredKind.Numeric)]
    public void Infer_DistinctNumbersAroundTheThreshold_IsNumericOnlyAboveIt(
        int distinct,
        InferredKind expected)
    {
        var values = Enumerable.Range(0, 200)
            .Select(i => (i % distinct * 0.5).ToString(CultureInfo.InvariantCulture));

        var result = ColumnKindInference.Infer(values, numericDistinctThreshold: 20);

        Assert.Equal(expected, result.Kind);
        Assert.Equal(distinct, result.DistinctCount);
    }

    [Fact]
    public void Infer_FewDistinctNumbers_IsCategoricalAndSaysWhy()
    {
        var result = ColumnKindInference.Infer(["1", "2", "3", "1", "2"]);

        Assert.Equal(InferredKind.Categorical, result.Kind);
        Assert.Equal(
            "all 5 non-missing sampled values numeric but only 3 distinct"
                + " (numeric needs more than 20)",
            result.Reason);
    }

    [Fact]
    public void Infer_SomeTextAmongNumbers_IsCategoricalWithAnExample()
    {
        var values = Enumerable.Range(0, 50)
            .Select(i => i.ToString(CultureInfo.InvariantCulture))
            .Append("n/a")
            .Append("n/a")
            .Append("true");

        var result = ColumnKindInference.Infer(values);

        Assert.Equal(InferredKind.Categorical, result.Kind);
        Assert.Equal(52, result.DistinctCount);
        Assert.Equal(
            "3 of 53 non-missing sampled values not numeric (e.g. \"n/a\"), 52 distinct",
            result.Reason);
    }

    [Fact]
    public void Infer_OnlyMissing_IsCategoricalByDefault()
    {
        var result = ColumnKindInference.Infer([null, "", null]);

        Assert.Equal(InferredKind.Categorical, result.Kind);
        Assert.Equal("no non-missing values among 3 sampled", result.Reason);
    }

    [Fact]
    public void Infer_NaNText_CountsAsMissing()
    {
        var values = Enumerable.Range(0, 30)
            .Select(i => (i * 1.5).ToString(CultureInfo.InvariantCulture))
            .Append("NaN")
            .Append("nan");

        var result = ColumnKindInference.Infer(values);

        Assert.Equal(InferredKind.Numeric, result.Kind);
        Assert.Equal(2, result.MissingCount);
    }

    [Fact]
    public void Infer_NumbersWrittenDifferently_CountAsOneValue()
    {
        var result = ColumnKindInference.Infer(["1", "1.0", "1e0", " 1 ", "2"]);

        Assert.Equal(2, result.DistinctCount);
    }

    [Theory]
    [InlineData("1,000")]
    [InlineData("0x1F")]
    [InlineData("$5")]
    public void Infer_NumberLikeTextOutsideTheInvariantFormat_IsNotNumeric(string odd)
    {
        var values = Enumerable.Range(0, 40)
            .Select(i => i.ToString(CultureInfo.InvariantCulture))
            .Append(odd);

        var result = ColumnKindInference.Infer(values);

        Assert.Equal(InferredKind.Categorical, result.Kind);
        Assert.Contains($"\"{odd}\"", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_FedByTheJsonDecoder_TellsTheThreeKindsApart()
    {
        string[] paths = ["amount", "vip", "country", "code", "absent_sometimes"];
        var decoder = new JsonEventDecoder(paths);
        var inference = new ColumnKindInference(paths.Length);
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            double amount = random.NextDouble() * 100;
            string vip = i % 3 == 0 ? "true" : "false";
            string country = i % 2 == 0 ? "NL" : "DE";
            string maybe = i % 5 == 0 ? "" : $", \"absent_sometimes\": {i}";
            string json = FormattableString.Invariant(
                $"{{\"amount\": {amount:R}, \"vip\": {vip}, \"country\": \"{country}\", ")
                + FormattableString.Invariant($"\"code\": {i % 4}{maybe}}}");
            var error = decoder.Decode(Encoding.UTF8.GetBytes(json), inference);
            Assert.Equal(DecodeError.None, error);
            inference.CompleteRecord();
        }

        var kinds = Enumerable.Range(0, paths.Length).Select(inference.Infer).ToArray();

        Assert.Equal(
            [InferredKind.Numeric, InferredKind.Boolean, InferredKind.Categorical,
                InferredKind.Categorical, InferredKind.Numeric],
            kinds.Select(k => k.Kind));
        Assert.Equal(4, kinds[3].DistinctCount);
        Assert.Equal(100, kinds[4].MissingCount);
        Assert.All(kinds, k => Assert.Equal(500, k.SampledCount));
    }

    [Fact]
    public void Infer_JsonBooleansMixedWithNumbers_IsCategorical()
    {
        var inference = new ColumnKindInference(1);
        inference.OnBoolean(0, true);
        inference.OnNumber(0, 1, "1"u8);

        Assert.Equal(InferredKind.Categorical, inference.Infer(0).Kind);
    }
}
