namespace StreamMI.Engine.Discretisation;

/// <summary>How a feature's raw values become levels of a contingency table.</summary>
public enum FeatureKind
{
    /// <summary>Each distinct value is a level, up to a cap; the rest share hashed buckets.</summary>
    Categorical,

    /// <summary>Values are binned by edges, fixed by configuration or learned in a warm-up.</summary>
    Numeric,

    /// <summary>Two levels, true and false.</summary>
    Boolean,
}
