using System.Text;
using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Tests.Discretisation;

public sealed class BooleanLevelsTests
{
    public static TheoryData<string, bool, bool> Texts => new()
    {
        { "true", true, true },
        { "TRUE", true, true },
        { "True", true, true },
        { "yes", true, true },
        { "YeS", true, true },
        { "t", true, true },
        { "Y", true, true },
        { "1", true, true },
        { "false", true, false },
        { "FALSE", true, false },
        { "no", true, false },
        { "N", true, false },
        { "f", true, false },
        { "0", true, false },
        { "", false, false },
        { " true", false, false },
        { "true ", false, false },
        { "tru", false, false },
        { "truee", false, false },
        { "falsey", false, false },
        { "2", false, false },
        { "-1", false, false },
        { "on", false, false },
        { "ja", false, false },
        { "ÿes", false, false },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryParse_Text_ReadsOnlyTheAcceptedForms(string text, bool accepted, bool value)
    {
        var ok = BooleanLevels.TryParse(Encoding.UTF8.GetBytes(text), out var parsed);

        Assert.Equal(accepted, ok);
        Assert.Equal(value, parsed);
    }

    [Fact]
    public void Encode_BothValues_AreLevelsAfterMissing()
    {
        Assert.Equal(1, BooleanLevels.Encode(false));
        Assert.Equal(2, BooleanLevels.Encode(true));
        Assert.Equal(3, BooleanLevels.Capacity);
        var names = Enumerable.Range(0, 3).Select(BooleanLevels.Name);
        Assert.Equal(["(missing)", "false", "true"], names);
    }
}
