namespace StreamMI.Host.Tests.EndToEnd;

/// <summary>Bounded polling: every wait of the end-to-end tests ends and says what it awaited.</summary>
internal static class Waiting
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 250 ms until it holds; throws a
    /// <see cref="TimeoutException"/> with <paramref name="failure"/>'s text after
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task UntilAsync(
        Func<Task<bool>> condition,
        TimeSpan timeout,
        Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s in vain. {failure()}");
            }

            await Task.Delay(250);
        }
    }
}
