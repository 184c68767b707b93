using System.Globalization;
using System.Text;

namespace StreamMI.Host.Demo;

/// <summary>
/// A synthetic event stream whose dependencies on the target are known, for the demo and for
/// tests. Events are JSON objects; the generator is seeded, so a seed gives the same stream.
/// </summary>
/// <remarks>
/// <para>Generation order and the truth behind each field:</para>
/// <list type="bullet">
/// <item><c>region</c>: drawn first, from a prior that shifts at the drift point
/// (north/south/east/west 0.4/0.3/0.2/0.1 before, 0.1/0.2/0.3/0.4 after).</item>
/// <item><c>label</c> (the target, a/b/c): drawn from P(label | region), a fixed table, so
/// region's dependency P(label | region) never changes: covariate shift only.</item>
/// <item><c>noisy_copy</c>: the label with probability 0.8, else a uniform label: the strongest
/// dependency.</item>
/// <item><c>amount</c>: numeric, normal with mean 10·k for the k-th label and sd 8.</item>
/// <item><c>independent</c>: uniform over five values, independent of everything: MI ≈ 0.</item>
/// <item><c>concept</c>: uniform over x/y/z; before the drift point it follows the label
/// (x for a, y for b, z for c) with probability 0.7, after it is independent of the label, while
/// its own distribution stays uniform: concept drift only.</item>
/// </list>
/// </remarks>
public sealed class SyntheticEvents
{
    private static readonly string[] s_labels = ["a", "b", "c"];
    private static readonly string[] s_regions = ["north", "south", "east", "west"];
    private static readonly string[] s_concepts = ["x", "y", "z"];
    private static readonly double[] s_regionBefore = [0.4, 0.3, 0.2, 0.1];
    private static readonly double[] s_regionAfter = [0.1, 0.2, 0.3, 0.4];

    // P(label | region): rows north, south, east, west.
    private static readonly double[][] s_labelGivenRegion =
    [
        [0.6, 0.3, 0.1],
        [0.2, 0.6, 0.2],
        [0.1, 0.3, 0.6],
        [0.34, 0.33, 0.33],
    ];

    private readonly Random _random;
    private readonly StringBuilder _builder = new(256);

    /// <summary>Creates a generator; events after <paramref name="driftAfter"/> are in the drifted regime.</summary>
    public SyntheticEvents(int seed, long driftAfter = long.MaxValue)
    {
        _random = new Random(seed);
        DriftAfter = driftAfter;
    }

    /// <summary>The number of events before the drift.</summary>
    public long DriftAfter { get; }

    /// <summary>Events generated so far.</summary>
    public long Generated { get; private set; }

    /// <summary>True once the stream has passed its drift point.</summary>
    public bool Drifted => Generated > DriftAfter;

    /// <summary>The next event as UTF-8 JSON, with <paramref name="timestampMs"/> as its <c>ts</c>.</summary>
    public byte[] Next(long timestampMs)
    {
        var drifted = Generated >= DriftAfter;
        Generated++;

        var region = Draw(drifted ? s_regionAfter : s_regionBefore);
        var label = Draw(s_labelGivenRegion[region]);
        var noisy = _random.NextDouble() < 0.8 ? label : _random.Next(3);
        var amount = 10.0 * (label + 1) + 8.0 * Gaussian();
        var independent = _random.Next(5);
        var concept = !drifted && _random.NextDouble() < 0.7 ? label : _random.Next(3);

        _builder.Clear();
        _builder.Append(CultureInfo.InvariantCulture, $"{{\"ts\":{timestampMs},\"label\":\"{s_labels[label]}\",");
        _builder.Append(CultureInfo.InvariantCulture, $"\"noisy_copy\":\"{s_labels[noisy]}\",\"amount\":{amount:F3},");
        _builder.Append(CultureInfo.InvariantCulture, $"\"independent\":\"v{independent}\",\"concept\":\"{s_concepts[concept]}\",");
        _builder.Append(CultureInfo.InvariantCulture, $"\"region\":\"{s_regions[region]}\"}}");
        return Encoding.UTF8.GetBytes(_builder.ToString());
    }

    private int Draw(double[] probabilities)
    {
        var u = _random.NextDouble();
        for (var i = 0; i < probabilities.Length - 1; i++)
        {
            u -= probabilities[i];
            if (u < 0)
            {
                return i;
            }
        }

        return probabilities.Length - 1;
    }

    private double Gaussian()
    {
        // Box–Muller: enough for a demo and reproducible from the seed.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
