namespace StreamMI.Engine.Drift;

/// <summary>
/// One feature's drift state over successive pane evaluations: persistence to raise, hysteresis
/// to clear.
/// </summary>
/// <remarks>
/// <para>Each evaluation brings one of four verdicts:</para>
/// <list type="bullet">
/// <item>insufficient: too few events in either window to judge; nothing changes, counters
/// included, so a drifting feature on a quiet stream stays drifting until data shows it calm;</item>
/// <item>significant (the entry condition): a suspected feature counts one more pane, and drifts once
/// <see cref="DriftSettings.PersistencePanes"/> significant panes come in a row;</item>
/// <item>holding (|z| still at or above <see cref="DriftSettings.ClearZ"/> but not significant): a
/// suspected feature stays suspected but its run starts over; a drifting one is not calm;</item>
/// <item>calm: a suspected feature goes back to none at once; a drifting one clears after
/// <see cref="DriftSettings.ClearPanes"/> calm panes in a row.</item>
/// </list>
/// <para>
/// Overlapping sliding windows make successive evaluations strongly correlated, so persistence
/// lowers false alarms less than independent panes would; the practical minimum on |Δ| and the
/// z threshold carry most of that weight.
/// </para>
/// </remarks>
public sealed class DriftStateMachine
{
    private readonly int _persistence;
    private readonly int _clear;
    private int _run;
    private int _calm;

    /// <summary>Creates a machine in state none.</summary>
    public DriftStateMachine(int persistencePanes, int clearPanes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(persistencePanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(clearPanes, 1);
        _persistence = persistencePanes;
        _clear = clearPanes;
    }

    /// <summary>The current state.</summary>
    public DriftState State { get; private set; }

    /// <summary>Takes one pane's verdict and returns the new state.</summary>
    public DriftState Step(DriftVerdict verdict)
    {
        switch (verdict)
        {
            case DriftVerdict.Insufficient:
                break;
            case DriftVerdict.Significant:
                _calm = 0;
                if (State != DriftState.Drifting)
                {
                    _run++;
                    State = _run >= _persistence ? DriftState.Drifting : DriftState.Suspected;
                }

                break;
            case DriftVerdict.Holding:
                _calm = 0;
                _run = 0;
                break;
            default:
                _run = 0;
                if (State == DriftState.Drifting)
                {
                    _calm++;
                    if (_calm >= _clear)
                    {
                        State = DriftState.None;
                        _calm = 0;
                    }
                }
                else
                {
                    State = DriftState.None;
                }

                break;
        }

        return State;
    }
}
