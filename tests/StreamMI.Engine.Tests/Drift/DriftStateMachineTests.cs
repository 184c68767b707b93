using StreamMI.Engine.Drift;

namespace StreamMI.Engine.Tests.Drift;

public sealed class DriftStateMachineTests
{
    private const DriftVerdict S = DriftVerdict.Significant;
    private const DriftVerdict H = DriftVerdict.Holding;
    private const DriftVerdict C = DriftVerdict.Calm;
    private const DriftVerdict I = DriftVerdict.Insufficient;

    public static TheoryData<DriftVerdict[], DriftState[]> Sequences => new()
    {
        // Three significant panes in a row raise drift; the first two only suspect it.
        { [S, S, S], [DriftState.Suspected, DriftState.Suspected, DriftState.Drifting] },

        // A calm pane before the third drops the suspicion at once.
        { [S, S, C, S], [DriftState.Suspected, DriftState.Suspected, DriftState.None, DriftState.Suspected] },

        // A holding pane keeps the suspicion but the run starts over.
        { [S, S, H, S, S, S], [DriftState.Suspected, DriftState.Suspected, DriftState.Suspected, DriftState.Suspected, DriftState.Suspected, DriftState.Drifting] },

        // Drifting clears only after three calm panes in a row; a holding pane resets the count.
        { [S, S, S, C, C, H, C, C, C], [DriftState.Suspected, DriftState.Suspected, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.None] },

        // Too few events changes nothing, not even the run in progress.
        { [S, I, S, I, S], [DriftState.Suspected, DriftState.Suspected, DriftState.Suspected, DriftState.Suspected, DriftState.Drifting] },
        { [S, S, S, I, I, I, I], [DriftState.Suspected, DriftState.Suspected, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting, DriftState.Drifting] },

        // Holding alone never raises anything.
        { [H, H, H, H], [DriftState.None, DriftState.None, DriftState.None, DriftState.None] },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Step_VerdictSequence_GivesExpectedStates(DriftVerdict[] verdicts, DriftState[] expected)
    {
        var machine = new DriftStateMachine(persistencePanes: 3, clearPanes: 3);

        var states = verdicts.Select(machine.Step).ToArray();

        Assert.Equal(expected, states);
    }

    [Fact]
    public void Step_PersistenceOfOne_DriftsOnTheFirstSignificantPane()
    {
        var machine = new DriftStateMachine(persistencePanes: 1, clearPanes: 1);

        Assert.Equal(DriftState.Drifting, machine.Step(S));
        Assert.Equal(DriftState.None, machine.Step(C));
    }

    [Fact]
    public void Create_ZeroPanes_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DriftStateMachine(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DriftStateMachine(3, 0));
    }
}
