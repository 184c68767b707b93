namespace StreamMI.Host.Tests.State;

/// <summary>
/// The state tests that run whole workers (other processes, or several in this one). They run
/// alone, after the parallel tests: they would otherwise load the two cores and fill this
/// process's memory while timing-sensitive tests and tests that measure this process's memory
/// run beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeWorkers
{
    public const string Name = "State tests with whole workers";
}
