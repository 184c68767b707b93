using System.Globalization;
using System.Text;
using StreamMI.Engine.Drift;
using StreamMI.Host.Configuration;
using StreamMI.Host.References;
using StreamMI.Host.Scanning;

namespace StreamMI.Host.Tests.References;

/// <summary>Synthetic history files and the reference files built from them, in a temporary folder.</summary>
internal sealed class ReferenceFiles : IDisposable
{
    public ReferenceFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"streammi-ref-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>
    /// A CSV of <paramref name="rows"/> rows. label is y0/y1/y2 uniform. concept is the label with
    /// probability <paramref name="conceptKeep"/> (else uniform over the three), so its own
    /// distribution is uniform whatever the keep. region is r0..r3 with <paramref name="regionShares"/>
    /// and no link to the label. amount is numeric: 10 × label plus normal noise of sd 4.
    /// </summary>
    public string WriteCsv(string name, int rows, int seed, double conceptKeep, double[]? regionShares = null)
    {
        regionShares ??= [0.25, 0.25, 0.25, 0.25];
        var random = new Random(seed);
        var text = new StringBuilder("label,concept,region,amount\n");
        for (var i = 0; i < rows; i++)
        {
            var y = random.Next(3);
            var concept = random.NextDouble() < conceptKeep ? y : random.Next(3);
            var region = Draw(random, regionShares);
            var amount = (10.0 * y) + (4.0 * Gaussian(random));
            text.Append(CultureInfo.InvariantCulture, $"y{y},c{concept},r{region},{amount:F3}\n");
        }

        var path = PathOf(name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Builds a reference from a CSV the way <c>streammi reference build</c> does.</summary>
    public static ReferenceModel Build(string csv, FeatureSelection selection)
    {
        using var input = File.OpenRead(csv);
        return new FileScanner(selection) { CaptureReference = true, Source = Path.GetFileName(csv) }
            .Scan(input, InputFormat.Csv).Reference!;
    }

    public static FeatureSelection Selection(int bins = 8) => new() { Target = "label", Numeric = ["amount"], Bins = bins };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static int Draw(Random random, double[] shares)
    {
        var u = random.NextDouble();
        for (var i = 0; i < shares.Length - 1; i++)
        {
            u -= shares[i];
            if (u < 0)
            {
                return i;
            }
        }

        return shares.Length - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
