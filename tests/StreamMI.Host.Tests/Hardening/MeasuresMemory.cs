namespace StreamMI.Host.Tests.Hardening;

/// <summary>
/// Tests that measure the process's managed heap run in this collection, which xunit runs
/// alone, after the parallel ones, so that other tests' allocations do not blur the figures.
/// </summary>
[CollectionDefinition(nameof(MeasuresMemory), DisableParallelization = true)]
public sealed class MeasuresMemory;
