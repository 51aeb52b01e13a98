using System.Globalization;
using Diffuse.Runtime;

namespace Diffuse.Benchmarks;

/// <summary>
/// The machine's theoretical float32 peak: cores × clock × FLOPs per cycle per core, with FLOPs per
/// cycle = SIMD lanes × 2 (a fused multiply-add is two FLOPs) × FMA units. The lanes come from the
/// widest vector ISA in /proc/cpuinfo's flags (avx512f: 16 floats, avx2 + fma: 8, otherwise SSE:
/// 4 lanes and separate multiply and add); the FMA unit count is not visible there and is assumed to
/// be 2, as on current server cores. The clock is /proc/cpuinfo's "cpu MHz", which in a VM is the
/// nominal clock, not the boost clock. Both assumptions are stated in <see cref="Assumptions"/>.
/// </summary>
/// bfloat16 peak: with AVX512_BF16 one vdpbf16ps does two multiply-adds per 32-bit lane (pairs of bfloat16 products
/// summed into a float32 lane), twice the float32 rate; without it bfloat16 is computed in float32 and its peak is
/// the float32 one.
public sealed record CpuPeak(string Model, int Cores, double ClockGHz, string VectorIsa, int FloatLanes, int FmaUnits, int FlopsPerCycle)
{
    public const int AssumedFmaUnits = 2;

    public double PeakGflops => Cores * ClockGHz * FlopsPerCycle;

    /// <summary>True when the CPU multiplies bfloat16 pairs natively (avx512_bf16).</summary>
    public bool NativeBFloat16 { get; init; }

    public double BFloat16PeakGflops => NativeBFloat16 ? 2 * PeakGflops : PeakGflops;

    public string BFloat16Assumptions => NativeBFloat16
        ? $"bfloat16 peak = 2 × the float32 peak (avx512_bf16: vdpbf16ps, 2 products per float32 lane) = {BFloat16PeakGflops:F0} GFLOP/s"
        : $"bfloat16 peak = the float32 peak (no avx512_bf16: bfloat16 is widened to float32) = {BFloat16PeakGflops:F0} GFLOP/s";

    public string Assumptions =>
        $"peak = {Cores} cores × {ClockGHz:F3} GHz (cpu MHz of /proc/cpuinfo) × {FlopsPerCycle} FLOP/cycle " +
        $"({VectorIsa}: {FloatLanes} float32 lanes × 2 FLOP per FMA × {FmaUnits} FMA units, assumed) = {PeakGflops:F0} GFLOP/s";

    /// <summary>The peak of this machine, or null when /proc/cpuinfo is missing (not Linux).</summary>
    public static CpuPeak? Detect()
    {
        const string path = "/proc/cpuinfo";
        return File.Exists(path) ? Parse(File.ReadAllText(path), Environment.ProcessorCount) : null;
    }

    /// <summary>Reads the first processor's model, clock and flags; <paramref name="cores"/> is how many the process may use.</summary>
    public static CpuPeak? Parse(string cpuinfo, int cores)
    {
        string? Field(string key) => CpuFeatures.Field(cpuinfo, key);
        if (!double.TryParse(Field("cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out double mhz) || mhz <= 0) return null;
        var flags = CpuFeatures.Flags(cpuinfo);
        (string isa, int lanes, int flopsPerLane) = flags.Contains("avx512f") ? ("AVX-512", 16, 2)
            : flags.Contains("avx2") && flags.Contains("fma") ? ("AVX2+FMA", 8, 2)
            : flags.Contains("avx") ? ("AVX", 8, 1)
            : ("SSE", 4, 1);
        // Without FMA a unit still retires a multiply or an add per lane per cycle; two units give 2 FLOPs a lane.
        return new CpuPeak(Field("model name") ?? "unknown", cores, mhz / 1000, isa, lanes, AssumedFmaUnits, lanes * flopsPerLane * AssumedFmaUnits)
        {
            // The peak model is vdpbf16ps (AVX512_BF16); AMX tiles would be a different, higher peak.
            NativeBFloat16 = flags.Contains("avx512_bf16"),
        };
    }
}
