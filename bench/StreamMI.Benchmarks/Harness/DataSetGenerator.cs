using System.Globalization;
using System.Text;

namespace StreamMI.Benchmarks.Harness;

/// <summary>
/// Writes the benchmark data set: a reproducible stream of events with 16 features of mixed
/// kinds and cardinalities and a 5-class target, as JSON Lines and as CSV with the same rows.
/// </summary>
/// <remarks>
/// <para>
/// The same seed and count always give the same bytes: the generator uses the seeded
/// <see cref="Random"/>, whose sequence .NET keeps stable for a given seed, and formats numbers
/// with the invariant culture and fixed decimals.
/// </para>
/// <para>
/// Fields, in line order: <c>ts</c> (event time, Unix ms, about 3.5 ms apart, so a million
/// events span about an hour); categorical <c>country</c> (40 levels, partly set by the label),
/// <c>device</c> (4, independent), <c>plan</c> (3, a noisy copy of the label),
/// <c>browser</c> (12, depends on the device), <c>city</c> (1,000, nested in the country),
/// <c>campaign</c> (200, 5% null), <c>referrer</c> (2,000, independent), <c>segment</c>
/// (codes 1–8 as JSON numbers), numeric <c>amount</c> (log-normal, scale set by the label),
/// <c>latency_ms</c> (independent), <c>score</c> (normal around the label), <c>age</c>
/// (18–90, independent), <c>items</c> (a small count, Poisson with a mean set by the label),
/// boolean <c>is_mobile</c> (set by the device) and <c>is_returning</c> (depends on the
/// label), numeric <c>discount</c> (10% null, depends on the plan), and the target
/// <c>label</c> (<c>c0</c>–<c>c4</c> with priors 35/25/20/12/8%).
/// </para>
/// </remarks>
internal static class DataSetGenerator
{
    /// <summary>The columns in line order.</summary>
    public static readonly string[] Columns =
    [
        "ts", "country", "device", "plan", "browser", "city", "campaign", "referrer", "segment",
        "amount", "latency_ms", "score", "age", "items", "is_mobile", "is_returning", "discount",
        "label",
    ];

    private static readonly string[] s_devices = ["desktop", "mobile", "tablet", "tv"];
    private static readonly double[] s_devicePriors = [0.45, 0.4, 0.1, 0.05];
    private static readonly string[] s_plans = ["free", "pro", "team"];
    private static readonly int[] s_planOfLabel = [0, 0, 1, 1, 2];
    private static readonly double[] s_labelPriors = [0.35, 0.25, 0.2, 0.12, 0.08];
    private static readonly string[] s_browsers =
    [
        "chrome", "firefox", "safari", "edge", "opera", "brave", "vivaldi", "samsung", "uc",
        "yandex", "duckduckgo", "other",
    ];

    /// <summary>Writes <c>events.jsonl</c> and <c>events.csv</c> into <paramref name="directory"/>.</summary>
    public static void Write(string directory, int events, int seed)
    {
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using var jsonl = new StreamWriter(Path.Combine(directory, "events.jsonl"), false, utf8, 1 << 20);
        using var csv = new StreamWriter(Path.Combine(directory, "events.csv"), false, utf8, 1 << 20);
        jsonl.NewLine = "\n";
        csv.NewLine = "\n";
        csv.WriteLine(string.Join(',', Columns));
        foreach (var (json, row) in Rows(events, seed))
        {
            jsonl.WriteLine(json);
            csv.WriteLine(row);
        }
    }

    /// <summary>The events as JSON lines and CSV rows, without line ends.</summary>
    public static IEnumerable<(string Json, string Csv)> Rows(int events, int seed)
    {
        var random = new Random(seed);
        var values = new string?[Columns.Length];
        var json = new StringBuilder(512);
        var ci = CultureInfo.InvariantCulture;
        long ts = 1_700_000_000_000;
        for (var i = 0; i < events; i++)
        {
            ts += random.Next(8);
            var label = Pick(random, s_labelPriors);
            var country = random.NextDouble() < 0.3 ? label * 8 + random.Next(8) : Zipf(random, 40);
            var device = Pick(random, s_devicePriors);
            var plan = random.NextDouble() < 0.6 ? s_planOfLabel[label] : random.Next(3);
            var browser = device == 1 && random.NextDouble() < 0.5 ? 2 + random.Next(2) : random.Next(s_browsers.Length);
            var campaign = random.NextDouble() < 0.05 ? -1
                : random.NextDouble() < 0.2 ? label * 40 + random.Next(40) : random.Next(200);

            values[0] = ts.ToString(ci);
            values[1] = $"C{country:D2}";
            values[2] = s_devices[device];
            values[3] = s_plans[plan];
            values[4] = s_browsers[browser];
            values[5] = string.Create(ci, $"city{country * 25 + random.Next(25):D4}");
            values[6] = campaign < 0 ? null : string.Create(ci, $"cmp{campaign:D3}");
            values[7] = string.Create(ci, $"ref{random.Next(2000):D4}");
            values[8] = (1 + (random.NextDouble() < 0.25 ? label : random.Next(8))).ToString(ci);
            values[9] = Math.Exp(3 + 0.25 * label + Normal(random)).ToString("F2", ci);
            values[10] = (5 + 40 * -Math.Log(1 - random.NextDouble())).ToString("F1", ci);
            values[11] = (label + 1.5 * Normal(random)).ToString("F3", ci);
            values[12] = (18 + random.Next(73)).ToString(ci);
            values[13] = Poisson(random, 2 + 0.5 * label).ToString(ci);
            values[14] = device is 1 or 2 ? "true" : "false";
            values[15] = random.NextDouble() < 0.3 + 0.1 * label ? "true" : "false";
            values[16] = random.NextDouble() < 0.1 ? null : (plan * 10 + 20 * random.NextDouble()).ToString("F1", ci);
            values[17] = $"c{label}";

            yield return (Json(json, values), string.Join(',', values.Select(v => v ?? string.Empty)));
        }
    }

    private static string Json(StringBuilder json, string?[] values)
    {
        json.Clear().Append('{');
        for (var c = 0; c < Columns.Length; c++)
        {
            if (c > 0)
            {
                json.Append(',');
            }

            json.Append('"').Append(Columns[c]).Append("\":");
            var value = values[c];
            if (value is null)
            {
                json.Append("null");
            }
            else if (IsJsonLiteral(Columns[c]))
            {
                json.Append(value);
            }
            else
            {
                json.Append('"').Append(value).Append('"');
            }
        }

        return json.Append('}').ToString();
    }

    // Numbers and booleans are JSON literals; every other value is a JSON string.
    private static bool IsJsonLiteral(string column) => column is "ts" or "segment" or "amount"
        or "latency_ms" or "score" or "age" or "items" or "is_mobile" or "is_returning" or "discount";

    private static int Pick(Random random, double[] priors)
    {
        var u = random.NextDouble();
        for (var i = 0; i < priors.Length - 1; i++)
        {
            u -= priors[i];
            if (u < 0)
            {
                return i;
            }
        }

        return priors.Length - 1;
    }

    // Level k with weight 1/(k+1): a few common values and a long tail.
    private static int Zipf(Random random, int levels)
    {
        var harmonic = 0.0;
        for (var k = 0; k < levels; k++)
        {
            harmonic += 1.0 / (k + 1);
        }

        var u = random.NextDouble() * harmonic;
        for (var k = 0; k < levels; k++)
        {
            u -= 1.0 / (k + 1);
            if (u < 0)
            {
                return k;
            }
        }

        return levels - 1;
    }

    private static double Normal(Random random)
    {
        // Box–Muller; 1 − u keeps the logarithm's argument above zero.
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }

        return k;
    }
}
