namespace StreamMI.Engine.Tests.Support;

/// <summary>
/// A random stream of three features and a 4-class target for whole-stream tables with pairs, as
/// the tests of several writers and of added-up tables use it. Feature 0 depends on the target;
/// feature 1 takes up to 300 levels, past twice <see cref="PairLevelCap"/>, so its pair tables fold;
/// feature 2 has 9 levels.
/// </summary>
internal static class FoldingStream
{
    /// <summary>The pair level cap the tests give their tables.</summary>
    public const int PairLevelCap = 64;

    /// <summary>Level capacities of the three features.</summary>
    public static int[] Capacities => [5, 300, 9];

    /// <summary><paramref name="count"/> events with times in the first minute after 1 s.</summary>
    public static StreamEvent[] Events(int count, Random rng) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var target = rng.Next(4);
            int[] levels =
            [
                rng.Next(3) == 0 ? target : rng.Next(5),
                rng.Next(2) == 0 ? rng.Next(8) : rng.Next(300),
                rng.Next(9),
            ];
            return new StreamEvent(levels, target, 1_000 + rng.Next(60_000));
        })];

    /// <summary>The row a level takes in a pair table: levels past twice the cap fold modulo the cap.</summary>
    public static int Fold(int level) =>
        level < 2 * PairLevelCap ? level : PairLevelCap + (level % PairLevelCap);

    /// <summary>One event: a level per feature, the target's level and the event time.</summary>
    public sealed record StreamEvent(int[] Levels, int Target, long TimeMs);
}
