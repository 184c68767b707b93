using StreamMI.Engine.Discretisation;

namespace StreamMI.Engine.Monitoring;

/// <summary>The discretisation of one field of a monitor: its kind and the encoder behind it.</summary>
internal sealed class FieldEncoder
{
    public FieldEncoder(FeatureSpec spec, ulong hashSeed)
    {
        Spec = spec;
        Kind = spec.Kind;
        switch (spec.Kind)
        {
            case FeatureKind.Categorical:
                Categorical = new CategoricalEncoder(spec.LevelCap, spec.TailBuckets, hashSeed);
                if (spec.Values is { } values)
                {
                    Categorical.Preload(values);
                }

                break;
            case FeatureKind.Numeric:
                Binner = spec.Edges is { } edges ? new NumericBinner(edges) : new NumericBinner(spec.Bins);
                break;
            case FeatureKind.Boolean:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown feature kind.");
        }
    }

    public FeatureSpec Spec { get; }

    // Read once per value on the per-event path: a field here saves a hop through the spec.
    public FeatureKind Kind { get; }

    public CategoricalEncoder? Categorical { get; }

    public NumericBinner? Binner { get; }

    public int Capacity => Spec.Kind switch
    {
        FeatureKind.Categorical => Categorical!.Capacity,
        FeatureKind.Numeric => Binner!.Capacity,
        _ => BooleanLevels.Capacity,
    };

    public bool IsCapped => Categorical?.IsCapped ?? false;

    public string LevelName(int level) => Spec.Kind switch
    {
        FeatureKind.Categorical => Categorical!.LevelName(level),
        FeatureKind.Numeric => Binner!.LevelName(level),
        _ => BooleanLevels.Name(level),
    };
}
