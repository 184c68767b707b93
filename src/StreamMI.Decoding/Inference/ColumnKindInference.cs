using System.Globalization;
using System.Text;

namespace StreamMI.Decoding.Inference;

/// <summary>
/// Infers from sampled values whether each column is boolean, numeric or categorical. It is
/// an <see cref="IFieldSink"/>, so a decoder can feed it sample records directly.
/// </summary>
/// <remarks>
/// <para>The rules, applied to the non-missing values of a column in this order:</para>
/// <list type="number">
/// <item>none at all: categorical (nothing suggests otherwise);</item>
/// <item>every one is <c>true</c> or <c>false</c> (a JSON boolean, or that text in any
/// letter case): boolean;</item>
/// <item>every one is a number (a JSON number, or text that parses as an invariant-culture
/// double such as <c>-1.5e3</c>) and there are more than the threshold of distinct values:
/// numeric;</item>
/// <item>otherwise categorical, including all-numeric columns with few distinct values,
/// which are usually codes.</item>
/// </list>
/// <para>
/// Missing means JSON null, empty text, or text that parses as NaN (<c>NaN</c>, any case).
/// A JSON string and a JSON number are treated alike: <c>"12"</c> counts as numeric.
/// Numbers with thousands separators, hexadecimal or a currency sign are not numeric.
/// Values are told apart by their text, except that numeric columns count distinct numeric
/// values, so <c>1</c> and <c>1.0</c> are one value.
/// </para>
/// <para>This runs on samples, not per event: it allocates a string per distinct
/// value.</para>
/// </remarks>
public sealed class ColumnKindInference : IFieldSink
{
    /// <summary>Distinct values a numeric column needs beyond which it is
    /// numeric.</summary>
    public const int DefaultNumericDistinctThreshold = 20;

    /// <summary>Distinct values tracked per column; counts stop here to bound
    /// memory.</summary>
    public const int MaxTrackedDistinct = 100_000;

    private readonly ColumnTally[] _columns;

    private readonly bool[] _reportedInRecord;

    /// <summary>Creates an inference over <paramref name="columnCount"/> columns; a column
    /// is numeric only with more than <paramref name="numericDistinctThreshold"/> distinct
    /// values.</summary>
    public ColumnKindInference(
        int columnCount,
        int numericDistinctThreshold = DefaultNumericDistinctThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        ArgumentOutOfRangeException.ThrowIfNegative(numericDistinctThreshold);
        NumericDistinctThreshold = numericDistinctThreshold;
        _columns = new ColumnTally[columnCount];
        _reportedInRecord = new bool[columnCount];
        for (int i = 0; i < columnCount; i++)
        {
            _columns[i] = new ColumnTally();
        }
    }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>Distinct values beyond which an all-numeric column is numeric.</summary>
    public int NumericDistinctThreshold { get; }

    /// <summary>Infers the kind of one list of text values, null or empty meaning missing.
    /// </summary>
    public static ColumnKindResult Infer(
        IEnumerable<string?> values,
        int numericDistinctThreshold = DefaultNumericDistinctThreshold)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inference = new ColumnKindInference(1, numericDistinctThreshold);
        foreach (string? value in values)
        {
            if (value is null)
            {
                inference.OnNull(0);
            }
            else
            {
                inference.OnText(0, Encoding.UTF8.GetBytes(value));
            }
        }

        return inference.Infer(0);
    }

    /// <inheritdoc/>
    public void OnText(int field, ReadOnlySpan<byte> utf8)
    {
        _columns[field].AddText(utf8);
        _reportedInRecord[field] = true;
    }

    /// <inheritdoc/>
    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken)
    {
        _columns[field].AddNumber(value, rawToken);
        _reportedInRecord[field] = true;
    }

    /// <inheritdoc/>
    public void OnBoolean(int field, bool value)
    {
        _columns[field].AddBoolean(value);
        _reportedInRecord[field] = true;
    }

    /// <inheritdoc/>
    public void OnNull(int field)
    {
        _columns[field].AddMissing();
        _reportedInRecord[field] = true;
    }

    /// <summary>
    /// Marks the end of one sampled record: every column the record did not report (a JSON
    /// event without that property) counts as one missing value. Callers that never call
    /// this count only the values reported.
    /// </summary>
    public void CompleteRecord()
    {
        for (int i = 0; i < _columns.Length; i++)
        {
            if (!_reportedInRecord[i])
            {
                _columns[i].AddMissing();
            }
        }

        Array.Clear(_reportedInRecord);
    }

    /// <summary>The kind of column <paramref name="column"/> from what has been fed so far.
    /// </summary>
    public ColumnKindResult Infer(int column)
    {
        var tally = _columns[column];
        int present = tally.Sampled - tally.Missing;
        string missing = tally.Missing > 0 ? Invariant($"; {tally.Missing} missing") : "";

        if (present == 0)
        {
            string none = Invariant($"no non-missing values among {tally.Sampled} sampled");
            return Result(tally, InferredKind.Categorical, none, tally.DistinctTexts);
        }

        string all = Invariant($"all {present} non-missing sampled values");
        if (tally.Booleans == present)
        {
            string reason = all + " are true/false" + missing;
            return Result(tally, InferredKind.Boolean, reason, tally.DistinctTexts);
        }

        if (tally.Numbers == present)
        {
            int distinct = tally.DistinctNumbers;
            if (distinct > NumericDistinctThreshold)
            {
                string reason = all + Invariant($" numeric with {distinct} distinct")
                    + missing;
                return Result(tally, InferredKind.Numeric, reason, distinct);
            }

            string codes = all
                + Invariant($" numeric but only {distinct} distinct")
                + Invariant($" (numeric needs more than {NumericDistinctThreshold})")
                + missing;
            return Result(tally, InferredKind.Categorical, codes, distinct);
        }

        int notNumeric = present - tally.Numbers;
        string mixed = Invariant($"{notNumeric} of {present} non-missing sampled values")
            + Invariant($" not numeric (e.g. \"{tally.NonNumericExample}\"),")
            + Invariant($" {tally.DistinctTexts} distinct")
            + missing;
        return Result(tally, InferredKind.Categorical, mixed, tally.DistinctTexts);
    }

    private static string Invariant(FormattableString text) =>
        text.ToString(CultureInfo.InvariantCulture);

    private static ColumnKindResult Result(
        ColumnTally tally,
        InferredKind kind,
        string reason,
        int distinct) =>
        new(
            kind,
            reason,
            tally.Sampled,
            tally.Missing,
            distinct);
}
