namespace StreamMI.Decoding.Inference;

/// <summary>The kind inferred for one column, why, and the counts behind it.</summary>
/// <param name="Kind">The inferred kind.</param>
/// <param name="Reason">One short sentence fragment a person can read in a scan
/// report.</param> <param name="SampledCount">Values seen, missing ones included.</param>
/// <param name="MissingCount">Values that were missing: JSON null, empty text, or text that
/// parses as NaN.</param> <param name="DistinctCount">Distinct non-missing values: by
/// numeric value when every one is numeric, else by text. Counting stops at <see
/// cref="ColumnKindInference.MaxTrackedDistinct"/>.</param>
public sealed record ColumnKindResult(
    InferredKind Kind,
    string Reason,
    int SampledCount,
    int MissingCount,
    int DistinctCount);
