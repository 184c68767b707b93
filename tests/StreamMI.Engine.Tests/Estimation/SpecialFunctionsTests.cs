using StreamMI.Engine.Estimation;

namespace StreamMI.Engine.Tests.Estimation;

public class SpecialFunctionsTests
{
    // Reference values from SciPy 1.10.1, produced once by
    // /usr/bin/python3 -c "from scipy.special import gammaln; [print(repr(x),
    //   repr(float(gammaln(x)))) for x in [1e-300, 1e-8, 1e-3, 0.5, 1, 1.5, 2, 2.5, 3.7,
    //   9.99, 10, 10.5, 100, 1234.5, 1e6, 1e10, 1e15, 1e300, -0.5, -2.5, -100.25]]"
    [Theory]
    [InlineData(1e-300, 690.7755278982137)]
    [InlineData(1e-08, 18.42068073818021)]
    [InlineData(0.001, 6.907178885383853)]
    [InlineData(0.5, 0.5723649429247)]
    [InlineData(1, 0.0)]
    [InlineData(1.5, -0.12078223763524526)]
    [InlineData(2, 0.0)]
    [InlineData(2.5, 0.2846828704729192)]
    [InlineData(3.7, 1.428072326665388)]
    [InlineData(9.99, 12.779315214350195)]
    [InlineData(10, 12.801827480081469)]
    [InlineData(10.5, 13.940625219403763)]
    [InlineData(100, 359.1342053695754)]
    [InlineData(1234.5, 7550.550901077894)]
    [InlineData(1e6, 12815504.569147611)]
    [InlineData(1e10, 220258509288.81058)]
    [InlineData(1e15, 3.3538776394910668e+16)]
    [InlineData(1e300, 6.897755278982137e+302)]
    [InlineData(-0.5, 1.2655121234846454)]
    [InlineData(-2.5, -0.05624371649767401)]
    [InlineData(-100.25, -363.4009232278215)]
    public void LogGamma_MatchesScipyGammaln(double x, double expected)
    {
        double actual = SpecialFunctions.LogGamma(x);

        // Below 10 the result is the difference of two numbers near 13, so the error is
        // absolute (a few 1e-15); above, it is relative.
        Assert.True(
            Math.Abs(actual - expected) <= 1e-14 * Math.Max(1, Math.Abs(expected)),
            $"LogGamma({x}) = {actual:R}, SciPy {expected:R}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(-7.0)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity)]
    public void LogGamma_AtPoleOrInfinity_IsPositiveInfinity(double x)
    {
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(x));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(170)]
    public void LogGamma_AtInteger_EqualsLogOfFactorial(int n)
    {
        // ln((n−1)!) recounted as a sum of logarithms.
        double expected = 0;
        for (int k = 2; k < n; k++)
        {
            expected += Math.Log(k);
        }

        Assert.Equal(expected, SpecialFunctions.LogGamma(n), 1e-12 * Math.Max(1, expected));
    }

    // Reference values from SciPy 1.10.1, produced once by
    // /usr/bin/python3 -c "from scipy.special import gammainc as P, gammaincc as Q;
    //   [print(a, x, repr(float(P(a, x))), repr(float(Q(a, x)))) for a, x in [(0.5, 1e-10),
    //   (0.5, 0.3), (0.5, 1.4), (0.5, 5), (0.5, 40), (1, 1e-5), (1, 2), (1, 700), (2.5, 0.5),
    //   (2.5, 3.5), (2.5, 30), (10, 3), (10, 10), (10, 11), (10, 40), (50, 45), (50, 55),
    //   (100, 200), (500, 480), (500, 560), (1500, 1400), (1500, 1500), (1500, 1700),
    //   (1500, 2000), (50000, 50000), (50000, 51000), (0.01, 0.005), (0.01, 2)]]"
    [Theory]
    [InlineData(0.5, 1e-10, 1.1283791670578994e-05, 0.9999887162083294)]
    [InlineData(0.5, 0.3, 0.5614219739190003, 0.4385780260809997)]
    [InlineData(0.5, 1.4, 0.9057356931587894, 0.09426430684121058)]
    [InlineData(0.5, 5, 0.9984345977419975, 0.001565402258002549)]
    [InlineData(0.5, 40, 1.0, 3.744097384202887e-19)]
    [InlineData(1, 1e-5, 9.999950000166668e-06, 0.9999900000499998)]
    [InlineData(1, 2, 0.8646647167633873, 0.1353352832366127)]
    [InlineData(1, 700, 1.0, 9.85967654375939e-305)]
    [InlineData(2.5, 0.5, 0.03743422675270361, 0.9625657732472964)]
    [InlineData(2.5, 3.5, 0.7793596920632894, 0.22064030793671066)]
    [InlineData(2.5, 30, 0.9999999999878454, 1.2154569777183007e-11)]
    [InlineData(10, 3, 0.0011024881301154815, 0.9988975118698845)]
    [InlineData(10, 10, 0.5420702855281478, 0.4579297144718523)]
    [InlineData(10, 11, 0.6594893575343392, 0.3405106424656608)]
    [InlineData(10, 40, 0.9999999960740678, 3.925932226286184e-09)]
    [InlineData(50, 45, 0.24680203440017026, 0.7531979655998298)]
    [InlineData(50, 55, 0.7677952194991436, 0.23220478050085636)]
    [InlineData(100, 200, 0.9999999999999981, 1.8438936497115418e-15)]
    [InlineData(500, 480, 0.18628197319032458, 0.8137180268096754)]
    [InlineData(500, 560, 0.9953068340007052, 0.004693165999294767)]
    [InlineData(1500, 1400, 0.004231080348517127, 0.9957689196514828)]
    [InlineData(1500, 1500, 0.5034335611603487, 0.49656643883965135)]
    [InlineData(1500, 1700, 0.9999996463165703, 3.5368342970516867e-07)]
    [InlineData(1500, 2000, 1.0, 5.589996831358726e-32)]
    [InlineData(50000, 50000, 0.5005947081047933, 0.4994052918952067)]
    [InlineData(50000, 51000, 0.9999955880607448, 4.41193925512029e-06)]
    [InlineData(0.01, 0.005, 0.9537608600421977, 0.04623913995780212)]
    [InlineData(0.01, 2, 0.9995033354627815, 0.0004966645372185266)]
    public void RegularizedGamma_MatchesScipyGammaincAndGammaincc(
        double a,
        double x,
        double expectedP,
        double expectedQ)
    {
        double p = SpecialFunctions.RegularizedGammaP(a, x);
        double q = SpecialFunctions.RegularizedGammaQ(a, x);

        AssertRelative(expectedP, p, 1e-12, $"P({a}, {x})");
        AssertRelative(expectedQ, q, 1e-12, $"Q({a}, {x})");
    }

    // Reference values from SciPy 1.10.1, produced once by
    // /usr/bin/python3 -c "from scipy.stats import chi2; [print(x, k, repr(float(chi2.sf(x,
    //   k)))) for x, k in [(0.001, 1), (3.841458820694124, 1), (800, 1), (10, 3), (1e4, 9),
    //   (0.5, 10), (150, 100), (1000, 1000), (2000, 1000), (3000, 1000), (1e-6, 4000),
    //   (4200, 4000), (5000, 4000), (320000, 315000)]]"
    [Theory]
    [InlineData(0.001, 1, 0.9747728793699604)]
    [InlineData(3.841458820694124, 1, 0.04999999999999989)]
    [InlineData(800, 1, 5.395865611607819e-176)]
    [InlineData(10, 3, 0.01856613546304325)]
    [InlineData(1e4, 9, 0.0)]
    [InlineData(0.5, 10, 0.999993388289439)]
    [InlineData(150, 100, 0.0009039320423540184)]
    [InlineData(1000, 1000, 0.49405285382923964)]
    [InlineData(2000, 1000, 4.1436785914539184e-69)]
    [InlineData(3000, 1000, 1.6436845843568014e-198)]
    [InlineData(1e-6, 4000, 1.0)]
    [InlineData(4200, 4000, 0.013647467683370367)]
    [InlineData(5000, 4000, 1.6633156038804178e-25)]
    [InlineData(320000, 315000, 1.8377329226720295e-10)]
    public void ChiSquaredSurvival_MatchesScipyChi2Sf(double x, double dof, double expected)
    {
        double actual = SpecialFunctions.ChiSquaredSurvival(x, dof);

        AssertRelative(expected, actual, 1e-12, $"chi2.sf({x}, {dof})");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(17.25)]
    public void ChiSquaredSurvival_TwoDegreesOfFreedom_IsExpOfMinusHalfX(double x)
    {
        // With k = 2 the χ² is exponential with mean 2: P(X > x) = e^(−x/2).
        Assert.Equal(Math.Exp(-x / 2), SpecialFunctions.ChiSquaredSurvival(x, 2), 1e-15);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    public void ChiSquaredSurvival_NonPositiveStatistic_IsOne(double x)
    {
        Assert.Equal(1.0, SpecialFunctions.ChiSquaredSurvival(x, 5));
    }

    [Fact]
    public void ChiSquaredSurvival_ZeroDegreesOfFreedom_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => SpecialFunctions.ChiSquaredSurvival(1, 0));
    }

    [Fact]
    public void RegularizedGamma_NegativeX_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => SpecialFunctions.RegularizedGammaQ(1, -0.5));
    }

    [Theory]
    [InlineData(1e-9)]
    [InlineData(-0.003)]
    [InlineData(0.2)]
    [InlineData(-0.2)]
    [InlineData(3.0)]
    public void Log1pMinusX_MatchesItsTaylorSeriesOrClosedForm(double u)
    {
        // Independent value: the alternating Taylor series Σ (−1)^(k+1) u^k / k from k = 2,
        // summed to convergence for |u| < 1, or ln(1+u) − u where that does not cancel.
        double expected;
        if (Math.Abs(u) < 1)
        {
            expected = 0;
            double power = u;
            for (int k = 2; k < 400; k++)
            {
                power *= -u;
                expected += power / k;
            }
        }
        else
        {
            expected = Math.Log(1 + u) - u;
        }

        double actual = SpecialFunctions.Log1pMinusX(u);

        AssertRelative(expected, actual, 1e-14, $"ln(1+{u}) − {u}");
    }

    private static void AssertRelative(
        double expected,
        double actual,
        double tolerance,
        string what)
    {
        double error = expected == 0
            ? Math.Abs(actual)
            : Math.Abs(actual - expected) / expected;
        Assert.True(
            error <= tolerance,
            $"{what} = {actual:R}, expected {expected:R} (relative error {error:E2})");
    }
}
