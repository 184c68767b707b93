namespace StreamMI.Engine.Estimation;

public sealed record DependencyEstimate
{
    public long Total { get; init; }
    public int RowLevels { get; init; }
    public int ColumnLevels { get; init; }
    public int NonZeroCells { get; init; }
    public double EntropyRowsNats { get; init; }
    public double EntropyColumnsNats { get; init; }
    public double JointEntropyNats { get; init; }
    public double MutualInformationNats { get; init; }
    public double MutualInformationBits { get; init; }
    public double MillerMadowBiasNats { get; init; }
    public double MillerMadowNats { get; init; }
    public double MillerMadowBits { get; init; }
    public double ExpectedMutualInformationNats { get; init; }
    public double AdjustedMutualInformation { get; init; }
    public double NormalizedMutualInformation { get; init; }
    public double NormalizedGeometric { get; init; }
    public double UncertaintyCoefficient { get; init; }
    public double GStatistic { get; init; }
    public double DegreesOfFreedom { get; init; }
    public double PValue { get; init; }
    public double VarianceNats { get; init; }
    public double StandardErrorNats { get; init; }
}
