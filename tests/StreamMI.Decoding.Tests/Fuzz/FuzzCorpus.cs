using System.Globalization;
using System.Text;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>One case of the regression corpus in <c>Fuzz/corpus.txt</c>.</summary>
/// <param name="Line">The line number in the file.</param>
/// <param name="Verdict">What the decoder answers, as a reason name.</param>
/// <param name="Outcome">What the pipeline does: <c>counted</c> or a skip reason name.</param>
/// <param name="Name">What the case is about.</param>
/// <param name="Payload">The payload's bytes.</param>
internal sealed record CorpusCase(int Line, string Verdict, string Outcome, string Name, byte[] Payload)
{
    public override string ToString() => $"line {Line}: {Name}";
}

/// <summary>Reads the regression corpus; the file's header says its format.</summary>
internal static class FuzzCorpus
{
    public static IReadOnlyList<CorpusCase> Cases { get; } = Read(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus.txt"));

    /// <summary>Every case as xunit theory data, one row per line of the corpus.</summary>
    public static TheoryData<int> Lines()
    {
        var data = new TheoryData<int>();
        foreach (var c in Cases)
        {
            data.Add(c.Line);
        }

        return data;
    }

    public static CorpusCase At(int line) => Cases.Single(c => c.Line == line);

    public static byte[] Expand(string template)
    {
        var bytes = new List<byte>(template.Length);
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] != '%')
            {
                var next = template.IndexOf('%', i);
                var end = next < 0 ? template.Length : next;
                bytes.AddRange(Encoding.UTF8.GetBytes(template[i..end]));
                i = end;
                continue;
            }

            if (template[i + 1] == '%')
            {
                bytes.Add((byte)'%');
                i += 2;
            }
            else if (template[i + 1] == '{')
            {
                var star = template.IndexOf('*', i);
                var close = template.IndexOf("%}", star, StringComparison.Ordinal);
                var count = int.Parse(template.AsSpan(i + 2, star - i - 2), NumberStyles.None, CultureInfo.InvariantCulture);
                var unit = Encoding.UTF8.GetBytes(template[(star + 1)..close]);
                for (var n = 0; n < count; n++)
                {
                    bytes.AddRange(unit);
                }

                i = close + 2;
            }
            else
            {
                bytes.Add(byte.Parse(template.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 3;
            }
        }

        return [.. bytes];
    }

    private static List<CorpusCase> Read(string path)
    {
        var cases = new List<CorpusCase>();
        var lines = File.ReadAllLines(path);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 4)
            {
                throw new InvalidDataException($"{path}:{n + 1} has {fields.Length} tab-separated fields, not 4.");
            }

            cases.Add(new CorpusCase(n + 1, fields[0], fields[1], fields[2], Expand(fields[3])));
        }

        return cases;
    }
}
