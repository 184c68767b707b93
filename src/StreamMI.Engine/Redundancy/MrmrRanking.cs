namespace StreamMI.Engine.Redundancy;

/// <summary>
/// Minimum-redundancy maximum-relevance ranking (Peng, Long and Ding 2005) of a set of features
/// from their MI with the target (relevance) and with each other (redundancy).
/// </summary>
/// <remarks>
/// <para>
/// Greedy: the most relevant feature comes first; each next one maximises its relevance against
/// the mean redundancy with the features already chosen, either as a difference (MID:
/// r_i − mean_j I(X_i; X_j)) or as a quotient (MIQ: r_i / mean_j I(X_i; X_j)). Two copies of one
/// informative feature have the same relevance, but once one is chosen the other carries its whole
/// entropy as redundancy and falls behind features that add something new.
/// </para>
/// <para>
/// Inputs are bias-corrected estimates and may be slightly negative on independent data; both are
/// clamped at zero first. The quotient's mean redundancy is floored at
/// <see cref="QuotientFloorNats"/> so a candidate with no measurable redundancy ranks by relevance
/// among such candidates instead of dividing by zero. Ties go to the lower index.
/// </para>
/// </remarks>
public static class MrmrRanking
{
    /// <summary>The smallest mean redundancy a quotient divides by, in nats.</summary>
    public const double QuotientFloorNats = 1e-6;

    /// <summary>
    /// Ranks the candidates. <paramref name="redundancy"/>[i, j] is the MI between candidates i
    /// and j in nats (symmetric; the diagonal is not read).
    /// </summary>
    public static MrmrResult Rank(ReadOnlySpan<double> relevance, double[,] redundancy)
    {
        ArgumentNullException.ThrowIfNull(redundancy);
        var n = relevance.Length;
        if (redundancy.GetLength(0) != n || redundancy.GetLength(1) != n)
        {
            throw new ArgumentException($"The redundancy matrix must be {n} × {n}.", nameof(redundancy));
        }

        var r = new double[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = Math.Max(0, relevance[i]);
        }

        var (differenceRank, differenceScore) = Greedy(r, redundancy, quotient: false);
        var (quotientRank, quotientScore) = Greedy(r, redundancy, quotient: true);
        return new MrmrResult(differenceRank, differenceScore, quotientRank, quotientScore);
    }

    private static (int[] Rank, double[] Score) Greedy(double[] relevance, double[,] redundancy, bool quotient)
    {
        var n = relevance.Length;
        var rank = new int[n];
        var score = new double[n];
        var chosen = new bool[n];
        var sum = new double[n];

        for (var step = 0; step < n; step++)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                if (chosen[i])
                {
                    continue;
                }

                double s;
                if (step == 0)
                {
                    s = relevance[i];
                }
                else
                {
                    var mean = sum[i] / step;
                    s = quotient ? relevance[i] / Math.Max(mean, QuotientFloorNats) : relevance[i] - mean;
                }

                if (s > bestScore)
                {
                    best = i;
                    bestScore = s;
                }
            }

            chosen[best] = true;
            rank[best] = step + 1;
            score[best] = bestScore;
            for (var i = 0; i < n; i++)
            {
                if (!chosen[i])
                {
                    sum[i] += Math.Max(0, redundancy[i, best]);
                }
            }
        }

        return (rank, score);
    }
}
