using System.Diagnostics;
using System.Globalization;
using System.Text;
using StreamMI.Decoding.Json;
using Xunit.Abstractions;

namespace StreamMI.Decoding.Tests.Fuzz;

/// <summary>
/// Random and mutated payloads through <see cref="JsonEventDecoder"/>: each verdict and each
/// reported value must match <see cref="DecodeOracle"/>, nothing may throw, and what a payload
/// allocates must be bounded by the payload, not by how many came before.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class JsonDecoderFuzzTests(ITestOutputHelper output)
{
    // A malformed event costs the exception the reader throws (about a kilobyte, see
    // JsonAllocationTests); anything else allocates at most the scratch buffer for unescaping,
    // which grows to at most twice the longest escaped string and never past that.
    private const long ExceptionAllowance = 16 * 1024;

    [Fact]
    public void Decode_RandomAndMutatedPayloads_MatchTheOracleAndAllocateBoundedAmounts()
    {
        // Each payload is also walked by the oracle, which costs as much again as decoding.
        var payloads = FuzzSettings.Payloads(inTestRun: 100_000);
        var limits = JsonDecoderLimits.Default;
        var generator = new HostilePayloads(FuzzSettings.Seed, limits.MaxBytes, limits.MaxDepth);
        var measured = new JsonEventDecoder(HostilePayloads.Paths, limits);
        var recording = new JsonEventDecoder(HostilePayloads.Paths, limits);
        var sink = new CountingSink();
        var verdicts = new Dictionary<(PayloadKind, DecodeError), int>();
        var mostAllocated = new Dictionary<DecodeError, long>();
        var failures = new List<string>();
        long totalAllocated = 0;
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < payloads; i++)
        {
            var payload = generator.Next();
            var bytes = payload.Bytes ?? [];
            var expected = DecodeOracle.Verdict(bytes, HostilePayloads.Paths, limits, out var expectedValues);

            var before = GC.GetAllocatedBytesForCurrentThread();
            DecodeError actual;
            try
            {
                actual = measured.Decode(bytes, sink);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add($"payload {i} ({payload.Kind}) threw {ex.GetType().Name}: {Show(bytes)}");
                continue;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            totalAllocated += allocated;
            mostAllocated[actual] = Math.Max(mostAllocated.GetValueOrDefault(actual), allocated);
            verdicts[(payload.Kind, actual)] = verdicts.GetValueOrDefault((payload.Kind, actual)) + 1;

            if (actual != expected || (payload.Expected is { } known && known != expected))
            {
                failures.Add(
                    $"payload {i} ({payload.Kind}): decoder {actual}, oracle {expected}, "
                    + $"generator {payload.Expected}: {Show(bytes)}");
            }
            else if (allocated > ExceptionAllowance + (2L * bytes.Length))
            {
                failures.Add($"payload {i} ({payload.Kind}) allocated {allocated} bytes for {bytes.Length}");
            }
            else if (actual == DecodeError.None)
            {
                var values = new RecordingSink();
                recording.Decode(bytes, values);
                if (!values.Values.OrderBy(v => v.Field).SequenceEqual(expectedValues.OrderBy(v => v.Field)))
                {
                    failures.Add($"payload {i} ({payload.Kind}): values differ from the oracle's: {Show(bytes)}");
                }
            }

            if (failures.Count >= 10)
            {
                break;
            }
        }

        Report(payloads, clock.Elapsed, verdicts, mostAllocated, totalAllocated);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(payloads, verdicts.Values.Sum());

        // Every hostile family occurred, so none was silently left out of the run.
        Assert.Equal(
            Enum.GetValues<PayloadKind>().Order(),
            verdicts.Keys.Select(k => k.Item1).Distinct().Order());
    }

    private void Report(
        int payloads,
        TimeSpan elapsed,
        Dictionary<(PayloadKind Kind, DecodeError Verdict), int> verdicts,
        Dictionary<DecodeError, long> mostAllocated,
        long totalAllocated)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{payloads:N0} payloads in {elapsed.TotalSeconds:F1} s (oracle included); "
            + $"decoder allocated {totalAllocated / 1024.0 / 1024.0:F1} MiB in all"));
        foreach (var group in verdicts.GroupBy(v => v.Key.Kind).OrderBy(g => g.Key))
        {
            var parts = group.OrderBy(v => v.Key.Verdict).Select(v => $"{v.Key.Verdict.ToReasonName()} {v.Value}");
            output.WriteLine($"  {group.Key}: {string.Join(", ", parts)}");
        }

        foreach (var (verdict, bytes) in mostAllocated.OrderBy(m => m.Key))
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  most allocated by one {verdict.ToReasonName()} payload: {bytes} bytes"));
        }
    }

    private static string Show(byte[] bytes)
    {
        var head = bytes.Length > 160 ? bytes[..160] : bytes;
        var text = Encoding.UTF8.GetString(head).Replace("\n", "\\n", StringComparison.Ordinal);
        var more = bytes.Length > 160 ? "..." : string.Empty;
        var hex = Convert.ToHexString(head.Length > 48 ? head[..48] : head);
        return $"[{bytes.Length} bytes] {text}{more} hex {hex}";
    }
}
