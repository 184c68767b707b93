using StreamMI.Engine.Counting;
using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Support;

/// <summary>The read-time estimate of a table, reached the way the monitor reaches it.</summary>
internal static class PlugIn
{
    /// <summary>The plug-in MI in nats the estimator reports for a copy of the table.</summary>
    public static double EstimatedNats(ContingencyTable table) =>
        DependencyEstimator.Estimate(table.Snapshot(out _, out _)).MutualInformationNats;
}
