using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamMI.Host.Configuration;
using StreamMI.Host.Scanning;

namespace StreamMI.Host.Tests.Scanning;

/// <summary>
/// `streammi scan` with every column categorical against scikit-learn's mutual_info_score and
/// scipy's chi2.sf, run by Debian's Python on the same CSV file.
/// </summary>
public sealed class ScanAgainstScikitLearnTests
{
    private const double Ln2 = 0.6931471805599453;

    [Fact]
    public void Scan_AllCategoricalCsvWithQuotesAndMissing_MatchesScikitLearnAndChiSquared()
    {
        var path = Path.Combine(Path.GetTempPath(), $"streammi-scan-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, MakeCsv(seed: 11, rows: 3000));
        try
        {
            var scanner = new FileScanner(new FeatureSelection { Target = "target", Categorical = ["*"] });
            ScanResult result;
            using (var input = File.OpenRead(path))
            {
                result = scanner.Scan(input, InputFormat.Csv);
            }

            var reference = RunPython(path);

            Assert.Equal(3000, result.Rows);
            Assert.Equal(3000, result.Snapshot.Counted);
            Assert.Equal(4, result.Snapshot.Features.Count);
            foreach (var feature in result.Snapshot.Features)
            {
                var expected = reference.GetProperty(feature.Feature);
                var miBits = expected.GetProperty("mi").GetDouble() / Ln2;
                Assert.Equal(miBits, feature.Estimate.MutualInformationBits, miBits * 1e-9);
                Assert.Equal(expected.GetProperty("levels").GetInt32(), feature.Estimate.RowLevels);

                var pValue = expected.GetProperty("p").GetDouble();
                Assert.Equal(pValue, feature.Estimate.PValue, Math.Max(1e-12, pValue * 1e-7));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string MakeCsv(int seed, int rows)
    {
        var random = new Random(seed);
        var text = new StringBuilder("target,\"copy, noisy\",city,empty_often,independent\r\n");
        string[] cities = ["\"Paris, FR\"", "\"say \"\"hi\"\"\"", "Oslo", "\"multi\nline\""];
        for (var i = 0; i < rows; i++)
        {
            var target = random.Next(3);
            var copy = random.NextDouble() < 0.7 ? target : random.Next(3);
            var city = cities[(target + random.Next(2)) % cities.Length];
            var often = random.NextDouble() < 0.4 ? string.Empty : (target % 2 == 0 ? "even" : "odd");
            var independent = random.Next(6);
            text.Append(CultureInfo.InvariantCulture, $"t{target},c{copy},{city},{often},{independent}\r\n");
        }

        return text.ToString();
    }

    private static JsonElement RunPython(string csvPath)
    {
        const string script = """
            import json, sys
            import pandas as pd
            from sklearn.metrics import mutual_info_score
            from scipy.stats import chi2
            df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
            out = {}
            for col in df.columns:
                if col == 'target':
                    continue
                mi = mutual_info_score(df['target'], df[col])
                g = 2 * len(df) * mi
                dof = (df[col].nunique() - 1) * (df['target'].nunique() - 1)
                out[col] = {'mi': mi, 'p': float(chi2.sf(g, dof)) if dof > 0 else 1.0, 'levels': int(df[col].nunique())}
            print(json.dumps(out))
            """;
        var scriptPath = Path.Combine(Path.GetTempPath(), $"streammi-sklearn-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3", [scriptPath, csvPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("Could not start /usr/bin/python3.");
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(
                process.ExitCode == 0,
                $"Python with pandas, scikit-learn and scipy is needed (apt-get install python3-sklearn python3-pandas): {stderr}");
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
