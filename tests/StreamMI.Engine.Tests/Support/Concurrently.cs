namespace StreamMI.Engine.Tests.Support;

/// <summary>Starts several threads at the same moment and reports what any of them threw.</summary>
internal static class Concurrently
{
    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="threads"/> threads released by one barrier.
    /// </summary>
    public static void Run(int threads, Action<int> body)
    {
        using var barrier = new Barrier(threads);
        var errors = new List<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            barrier.SignalAndWait();
            try
            {
                body(t);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        })).ToList();

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        Assert.Empty(errors);
    }
}
