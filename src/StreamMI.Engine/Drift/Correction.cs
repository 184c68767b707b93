namespace StreamMI.Engine.Drift;

/// <summary>How the p-values of many features tested at once are corrected.</summary>
public enum Correction
{
    /// <summary>Benjamini–Hochberg: controls the false discovery rate among flagged features.</summary>
    BenjaminiHochberg,

    /// <summary>Bonferroni: controls the chance of any false flag; stricter.</summary>
    Bonferroni,

    /// <summary>No correction: each feature is tested at the level on its own.</summary>
    None,
}
