using StreamMI.Engine.Drift;

namespace StreamMI.Host.Configuration;

/// <summary>What counts as drift, bound from <c>StreamMI:Monitors:N:Drift</c>. Defaults as in the engine.</summary>
public sealed class DriftOptions
{
    /// <summary>|z| at or above which a change of dependency is significant.</summary>
    public double ZThreshold { get; set; } = 4;

    /// <summary>|z| below which a drifting feature counts as calm.</summary>
    public double ClearZ { get; set; } = 2;

    /// <summary>The smallest change of corrected MI, in bits, worth reporting however significant.</summary>
    public double MinimumDeltaBits { get; set; } = 0.01;

    /// <summary>Events needed in both windows before anything is judged.</summary>
    public long MinimumEvents { get; set; } = 1000;

    /// <summary>Significant panes in a row to go from suspected to drifting.</summary>
    public int PersistencePanes { get; set; } = 3;

    /// <summary>Calm panes in a row for a drifting feature to clear.</summary>
    public int ClearPanes { get; set; } = 3;

    /// <summary>The level corrected p-values are compared with (the false discovery rate by default).</summary>
    public double SignificanceLevel { get; set; } = 0.05;

    /// <summary><c>benjamini-hochberg</c>, <c>bonferroni</c> or <c>none</c>.</summary>
    public string Correction { get; set; } = "benjamini-hochberg";

    /// <summary>PSI at or above which a feature's or the target's distribution has shifted.</summary>
    public double PsiThreshold { get; set; } = 0.1;

    /// <summary>The engine's settings for <paramref name="reference"/>; the options must be valid.</summary>
    public DriftSettings ToSettings(ReferenceSpec reference) => new()
    {
        Reference = reference,
        ZThreshold = ZThreshold,
        ClearZ = ClearZ,
        MinimumDeltaNats = MinimumDeltaBits * 0.69314718055994530942,
        MinimumEvents = MinimumEvents,
        PersistencePanes = PersistencePanes,
        ClearPanes = ClearPanes,
        SignificanceLevel = SignificanceLevel,
        Correction = ParseCorrection(Correction) ?? Engine.Drift.Correction.BenjaminiHochberg,
        PsiThreshold = PsiThreshold,
    };

    /// <summary>Adds one sentence per bad setting to <paramref name="errors"/>, each naming its key under <paramref name="key"/>.</summary>
    public void Validate(string key, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        if (!(ZThreshold > 0 && ZThreshold <= 100))
        {
            errors.Add($"{key}:ZThreshold must be above 0 and at most 100; it is {ZThreshold}.");
        }

        if (!(ClearZ >= 0 && ClearZ <= ZThreshold))
        {
            errors.Add($"{key}:ClearZ must be from 0 to ZThreshold ({ZThreshold}); it is {ClearZ}.");
        }

        if (!(MinimumDeltaBits >= 0 && MinimumDeltaBits <= 64))
        {
            errors.Add($"{key}:MinimumDeltaBits must be 0 to 64; it is {MinimumDeltaBits}.");
        }

        if (MinimumEvents is < 1 or > 100_000_000)
        {
            errors.Add($"{key}:MinimumEvents must be 1 to 100000000; it is {MinimumEvents}.");
        }

        if (PersistencePanes is < 1 or > 10_000)
        {
            errors.Add($"{key}:PersistencePanes must be 1 to 10000; it is {PersistencePanes}.");
        }

        if (ClearPanes is < 1 or > 10_000)
        {
            errors.Add($"{key}:ClearPanes must be 1 to 10000; it is {ClearPanes}.");
        }

        if (!(SignificanceLevel > 0 && SignificanceLevel < 1))
        {
            errors.Add($"{key}:SignificanceLevel must be between 0 and 1; it is {SignificanceLevel}.");
        }

        if (ParseCorrection(Correction) is null)
        {
            errors.Add($"{key}:Correction must be benjamini-hochberg, bonferroni or none; it is '{Correction}'.");
        }

        if (!(PsiThreshold >= 0 && PsiThreshold <= 100))
        {
            errors.Add($"{key}:PsiThreshold must be 0 to 100; it is {PsiThreshold}.");
        }
    }

    private static Correction? ParseCorrection(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "benjamini-hochberg" or "bh" or "fdr" => Engine.Drift.Correction.BenjaminiHochberg,
        "bonferroni" => Engine.Drift.Correction.Bonferroni,
        "none" => Engine.Drift.Correction.None,
        _ => null,
    };
}
