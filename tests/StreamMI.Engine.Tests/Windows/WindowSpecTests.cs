using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Tests.Windows;

public sealed class WindowSpecTests
{
    [Fact]
    public void Sliding_TenSecondsInFivePanes_HasTwoSecondPanes()
    {
        var spec = WindowSpec.Sliding(TimeSpan.FromSeconds(10), 5);

        Assert.Equal(5, spec.PaneCount);
        Assert.Equal(2000, spec.PaneMilliseconds);
    }

    [Fact]
    public void Tumbling_OneMinute_IsOnePaneOfOneMinute()
    {
        var spec = WindowSpec.Tumbling(TimeSpan.FromMinutes(1));

        Assert.Equal(1, spec.PaneCount);
        Assert.Equal(60_000, spec.PaneMilliseconds);
    }

    [Fact]
    public void WholeStream_AnyShape_IsValidAndOnePaneThatNeverEnds()
    {
        WindowSpec.WholeStream.Validate();
        new WindowSpec(WindowMode.WholeStream, TimeSpan.FromDays(-1), 0).Validate();

        Assert.Equal(1, WindowSpec.WholeStream.PaneCount);
        Assert.Equal(long.MaxValue, WindowSpec.WholeStream.PaneMilliseconds);
    }

    [Theory]
    [InlineData(WindowMode.Sliding, 0, 5, "window length must be positive")]
    [InlineData(WindowMode.Tumbling, -1000, 1, "window length must be positive")]
    [InlineData(WindowMode.Sliding, 10_000, 0, "panes must be between 1 and 10000")]
    [InlineData(WindowMode.Sliding, 100_000, 10_001, "panes must be between 1 and 10000")]
    [InlineData(WindowMode.Sliding, 5, 10, "cannot be cut into 10 panes")]
    public void Validate_UnworkableShape_ThrowsNamingTheSetting(
        WindowMode mode, int lengthMs, int panes, string message)
    {
        var spec = new WindowSpec(mode, TimeSpan.FromMilliseconds(lengthMs), panes);

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 10)]
    [InlineData(3_600_000, 10_000)]
    public void Validate_WorkableSlidingShape_DoesNotThrow(int lengthMs, int panes)
    {
        var spec = WindowSpec.Sliding(TimeSpan.FromMilliseconds(lengthMs), panes);

        spec.Validate();

        Assert.Equal(lengthMs / panes, spec.PaneMilliseconds);
    }
}
