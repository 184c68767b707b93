using System.Globalization;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>How many payloads a fuzz test runs: <c>STREAMMI_FUZZ_PAYLOADS</c> when set
/// (scripts/fuzz.sh sets a million), else a count that fits the default test run.</summary>
internal static class FuzzSettings
{
    public static int Payloads(int inTestRun) =>
        int.TryParse(
            Environment.GetEnvironmentVariable("STREAMMI_FUZZ_PAYLOADS"),
            NumberStyles.None,
            CultureInfo.InvariantCulture,
            out var count) && count > 0
            ? count
            : inTestRun;

    public static int Seed =>
        int.TryParse(
            Environment.GetEnvironmentVariable("STREAMMI_FUZZ_SEED"),
            NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture,
            out var seed)
            ? seed
            : 20_260_508;
}
