using StreamMI.Engine.Windows;

namespace StreamMI.Engine.Monitoring;

/// <summary>Everything that fixes how a monitor counts: its fields, their kinds and its window.</summary>
public sealed record MonitorSchema
{
    /// <summary>Creates a schema.</summary>
    public MonitorSchema(string name, IReadOnlyList<FeatureSpec> features, FeatureSpec target, WindowSpec window)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(window);

        Name = name;
        Features = features;
        Target = target;
        Window = window;
    }

    /// <summary>The monitor's name, as shown in output and metrics.</summary>
    public string Name { get; }

    /// <summary>The features, in field order.</summary>
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>The target; numeric targets are binned like numeric features.</summary>
    public FeatureSpec Target { get; }

    /// <summary>The window the tables cover.</summary>
    public WindowSpec Window { get; }

    /// <summary>
    /// Events buffered to learn numeric bin edges before counting starts. Events are counted once
    /// the edges are frozen, in arrival order, so nothing is lost to the warm-up.
    /// </summary>
    public int WarmUpEvents { get; init; } = 10_000;

    /// <summary>Feature–feature pairs to keep tables for, as indexes into <see cref="Features"/>.</summary>
    public IReadOnlyList<(int A, int B)> Pairs { get; init; } = [];

    /// <summary>
    /// Keep feature–feature tables for every pair of the K features most relevant to the target
    /// (chosen from the warm-up events, or from a frozen reference), for redundancy and the mRMR
    /// ranking; 0 for none. Ignored when <see cref="Pairs"/> names pairs.
    /// </summary>
    public int RedundancyTopK { get; init; }

    /// <summary>Seed of the hash that puts rare categorical values into buckets.</summary>
    public ulong HashSeed { get; init; }

    /// <summary>Throws with a message naming the setting when the schema cannot work.</summary>
    public void Validate()
    {
        if (Features.Count == 0)
        {
            throw new ArgumentException($"Monitor '{Name}' has no features.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { Target.Name };
        foreach (var feature in Features)
        {
            if (!names.Add(feature.Name))
            {
                throw new ArgumentException(
                    $"Monitor '{Name}' names field '{feature.Name}' twice (features and target must differ).");
            }

            ValidateField(feature);
        }

        ValidateField(Target);
        Window.Validate();
        if (WarmUpEvents < 1)
        {
            throw new ArgumentException($"Monitor '{Name}': the warm-up must be at least 1 event.");
        }

        if (RedundancyTopK < 0 || RedundancyTopK > 64)
        {
            throw new ArgumentException($"Monitor '{Name}': the redundancy set must be 0 to 64 features; it is {RedundancyTopK}.");
        }

        foreach (var (a, b) in Pairs)
        {
            if ((uint)a >= (uint)Features.Count || (uint)b >= (uint)Features.Count || a == b)
            {
                throw new ArgumentException($"Monitor '{Name}': pair ({a}, {b}) does not name two features.");
            }
        }
    }

    private void ValidateField(FeatureSpec field)
    {
        if (field.Bins < 2 || field.Bins > 1000)
        {
            throw new ArgumentException($"Monitor '{Name}', field '{field.Name}': bins must be 2 to 1000.");
        }

        if (field.LevelCap < 1 || field.LevelCap > 1_000_000)
        {
            throw new ArgumentException($"Monitor '{Name}', field '{field.Name}': the level cap must be 1 to 1000000.");
        }

        if (field.TailBuckets < 1 || field.TailBuckets > 65_536)
        {
            throw new ArgumentException($"Monitor '{Name}', field '{field.Name}': tail buckets must be 1 to 65536.");
        }
    }
}
