using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Monitoring;

/// <summary>
/// One event on its way into a monitor: decoders set its fields from raw values, and it turns
/// them into levels at once, so nothing but level numbers (and raw numbers still waiting for
/// learned bin edges) travels to the counting stage.
/// </summary>
/// <remarks>
/// A record is scratch space owned by one decoding thread and reused for every event: call
/// <see cref="Reset"/>, set the fields that are present, then hand it to
/// <see cref="MonitorEngine.Apply"/>. Fields never set stay missing. Setting a field allocates
/// nothing once a categorical value has been seen before.
/// </remarks>
public sealed class EventRecord
{
    private readonly FieldEncoder[] _fields;

    internal EventRecord(FieldEncoder[] fields)
    {
        _fields = fields;
        LevelsBuffer = new int[fields.Length];
        Numbers = new double[fields.Length];
        FeatureLevels = new int[fields.Length - 1];
        Reset();
    }

    /// <summary>Fields: the features in schema order, then the target last.</summary>
    public int FieldCount => _fields.Length;

    /// <summary>The target's field index.</summary>
    public int TargetField => _fields.Length - 1;

    /// <summary>Event time in Unix milliseconds.</summary>
    public long EventTimeMs { get; set; }

    /// <summary>The first problem found in this event, or null while it is countable.</summary>
    public SkipReason? Problem { get; private set; }

    /// <summary>The field whose value caused <see cref="Problem"/>, or −1.</summary>
    public int ProblemField { get; private set; } = -1;

    internal int[] LevelsBuffer { get; }

    internal double[] Numbers { get; }

    // Scratch for the engine: the level of each feature once numbers are binned.
    internal int[] FeatureLevels { get; }

    /// <summary>Level of each field, target last.</summary>
    public ReadOnlySpan<int> Levels => LevelsBuffer;

    /// <summary>Makes every field missing and clears any problem.</summary>
    public void Reset()
    {
        Array.Clear(LevelsBuffer);
        Array.Fill(Numbers, double.NaN);
        Problem = null;
        ProblemField = -1;
        EventTimeMs = 0;
    }

    /// <summary>Marks the event as not countable.</summary>
    public void Fail(SkipReason reason, int field = -1)
    {
        if (Problem is null)
        {
            Problem = reason;
            ProblemField = field;
        }
    }

    /// <summary>Sets a field from text (a CSV field or a JSON string), UTF-8.</summary>
    public void SetText(int field, ReadOnlySpan<byte> utf8)
    {
        var encoder = _fields[field];
        if (utf8.IsEmpty)
        {
            SetMissing(field);
            return;
        }

        switch (encoder.Kind)
        {
            case FeatureKind.Categorical:
                LevelsBuffer[field] = encoder.Categorical!.Encode(utf8);
                break;
            case FeatureKind.Numeric:
                if (DecimalText.TryParse(utf8, out var number))
                {
                    SetNumberValue(field, number);
                }
                else
                {
                    Fail(SkipReason.WrongType, field);
                }

                break;
            default:
                if (BooleanLevels.TryParse(utf8, out var flag))
                {
                    LevelsBuffer[field] = BooleanLevels.Encode(flag);
                }
                else
                {
                    Fail(SkipReason.WrongType, field);
                }

                break;
        }
    }

    /// <summary>Sets a field from a JSON number; <paramref name="rawToken"/> is its text.</summary>
    public void SetNumber(int field, double value, ReadOnlySpan<byte> rawToken)
    {
        var encoder = _fields[field];
        switch (encoder.Kind)
        {
            case FeatureKind.Categorical:
                // A categorical number is a label: its text is the level, so 1 and 1.0 differ.
                LevelsBuffer[field] = encoder.Categorical!.Encode(rawToken);
                break;
            case FeatureKind.Numeric:
                SetNumberValue(field, value);
                break;
            default:
                if (value is 0 or 1)
                {
                    LevelsBuffer[field] = BooleanLevels.Encode(value == 1);
                }
                else
                {
                    Fail(SkipReason.WrongType, field);
                }

                break;
        }
    }

    /// <summary>Sets a field from a JSON boolean.</summary>
    public void SetBoolean(int field, bool value)
    {
        var encoder = _fields[field];
        switch (encoder.Kind)
        {
            case FeatureKind.Categorical:
                LevelsBuffer[field] = encoder.Categorical!.Encode(BooleanLevels.Text(value));
                break;
            case FeatureKind.Numeric:
                Fail(SkipReason.WrongType, field);
                break;
            default:
                LevelsBuffer[field] = BooleanLevels.Encode(value);
                break;
        }
    }

    /// <summary>Marks a field missing (absent, empty or null).</summary>
    public void SetMissing(int field)
    {
        LevelsBuffer[field] = Discretisation.Levels.Missing;
        Numbers[field] = double.NaN;
    }

    /// <summary>True when the target has a value.</summary>
    public bool HasTarget =>
        LevelsBuffer[TargetField] != Discretisation.Levels.Missing || !double.IsNaN(Numbers[TargetField]);

    private void SetNumberValue(int field, double value)
    {
        // The level is found when the event is applied: bin edges may still be learning now.
        Numbers[field] = value;
    }
}
