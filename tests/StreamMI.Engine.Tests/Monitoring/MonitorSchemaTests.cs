using StreamMI.Engine.Discretisation;
using StreamMI.Engine.Monitoring;
using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Monitoring;

public sealed class MonitorSchemaTests
{
    private static readonly FeatureSpec s_target = new("label", FeatureKind.Categorical);

    [Fact]
    public void Validate_WellFormedSchema_DoesNotThrow()
    {
        var schema = Schema([new("a", FeatureKind.Categorical), new("b", FeatureKind.Numeric)]) with
        {
            Pairs = [(0, 1)],
        };

        schema.Validate();

        Assert.Equal(10_000, schema.WarmUpEvents);
    }

    [Fact]
    public void Validate_NoFeatures_SaysSo()
    {
        var error = Assert.Throws<ArgumentException>(Schema([]).Validate);

        Assert.Equal("Monitor 'm' has no features.", error.Message);
    }

    [Fact]
    public void Validate_DuplicateFeature_NamesTheField()
    {
        var schema = Schema([new("a", FeatureKind.Categorical), new("a", FeatureKind.Numeric)]);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("'a' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FeatureNamedLikeTarget_NamesTheField()
    {
        var schema = Schema([new("label", FeatureKind.Boolean)]);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("'label' twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1001)]
    public void Validate_BinsOutOfRange_NamesFieldAndSetting(int bins)
    {
        var schema = Schema([new("latency", FeatureKind.Numeric) { Bins = bins }]);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Equal("Monitor 'm', field 'latency': bins must be 2 to 1000.", error.Message);
    }

    [Fact]
    public void Validate_TargetBinsOutOfRange_NamesTheTarget()
    {
        var schema = new MonitorSchema(
            "m",
            [new FeatureSpec("a", FeatureKind.Categorical)],
            new FeatureSpec("score", FeatureKind.Numeric) { Bins = 0 },
            WindowSpec.WholeStream);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("field 'score': bins", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 256, "level cap must be 1 to 1000000")]
    [InlineData(1_000_001, 256, "level cap must be 1 to 1000000")]
    [InlineData(10, 0, "tail buckets must be 1 to 65536")]
    [InlineData(10, 65_537, "tail buckets must be 1 to 65536")]
    public void Validate_CategoricalSizesOutOfRange_NamesTheSetting(int cap, int buckets, string message)
    {
        var user = new FeatureSpec("user", FeatureKind.Categorical)
        {
            LevelCap = cap,
            TailBuckets = buckets,
        };
        var schema = Schema([user]);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("field 'user'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 2)]
    [InlineData(-1, 1)]
    public void Validate_PairNotNamingTwoFeatures_NamesThePair(int a, int b)
    {
        FeatureSpec[] features = [new("x", FeatureKind.Categorical), new("y", FeatureKind.Categorical)];
        var schema = Schema(features) with
        {
            Pairs = [(a, b)],
        };

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains($"pair ({a}, {b})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadWindow_PassesOnTheWindowMessage()
    {
        var schema = new MonitorSchema(
            "m",
            [new FeatureSpec("a", FeatureKind.Categorical)],
            s_target,
            WindowSpec.Sliding(TimeSpan.FromSeconds(10), 0));

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("panes must be between 1 and 10000", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BlankName_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => new MonitorSchema(" ", [], s_target, WindowSpec.WholeStream));
    }

    private static MonitorSchema Schema(IReadOnlyList<FeatureSpec> features) =>
        new("m", features, s_target, WindowSpec.WholeStream);
}
