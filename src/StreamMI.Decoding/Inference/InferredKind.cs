namespace StreamMI.Decoding.Inference;

/// <summary>How a column's values are best counted.</summary>
public enum InferredKind
{
    /// <summary>Each distinct value is its own category.</summary>
    Categorical,

    /// <summary>Real numbers, to be discretised into bins.</summary>
    Numeric,

    /// <summary>Two categories, true and false.</summary>
    Boolean,
}
