using Diffuse.Benchmarks;

namespace Diffuse.Tests.Benchmarks;

public sealed class CpuPeakTests
{
    private const string Epyc = """
        processor	: 0
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC
        cpu MHz		: 2596.148
        flags		: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512_bf16

        processor	: 1
        model name	: AMD EPYC
        cpu MHz		: 2596.148
        flags		: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512_bf16
        """;

    [Fact]
    public void Avx512_gives_64_flops_a_cycle_with_two_fma_units()
    {
        var peak = CpuPeak.Parse(Epyc, cores: 2)!;
        Assert.Equal("AMD EPYC", peak.Model);
        Assert.Equal("AVX-512", peak.VectorIsa);
        Assert.Equal(64, peak.FlopsPerCycle);                          // 16 lanes × 2 (FMA) × 2 units
        Assert.Equal(2 * 2.596148 * 64, peak.PeakGflops, 6);          // 332.3 GFLOP/s
        Assert.Contains("assumed", peak.Assumptions);
    }

    [Fact]
    public void Avx512_bf16_doubles_the_bfloat16_peak_and_without_it_bfloat16_has_the_float32_peak()
    {
        var bf16 = CpuPeak.Parse(Epyc, cores: 2)!;
        Assert.True(bf16.NativeBFloat16);
        Assert.Equal(2 * bf16.PeakGflops, bf16.BFloat16PeakGflops, 6);
        Assert.Contains("avx512_bf16", bf16.BFloat16Assumptions);

        var plain = CpuPeak.Parse("model name : X\ncpu MHz : 1000.0\nflags : fpu avx fma avx2 avx512f\n", cores: 1)!;
        Assert.False(plain.NativeBFloat16);
        Assert.Equal(plain.PeakGflops, plain.BFloat16PeakGflops, 6);
    }

    [Theory]
    [InlineData("fpu sse avx fma avx2", "AVX2+FMA", 32)]              // 8 lanes × 2 × 2
    [InlineData("fpu sse avx", "AVX", 16)]                             // 8 lanes, separate mul and add, 2 units
    [InlineData("fpu sse sse2", "SSE", 8)]
    [InlineData("fpu sse avx avx2", "AVX", 16)]                        // AVX2 without FMA has no fused multiply-add
    public void Narrower_vector_units_give_fewer_flops(string flags, string isa, int flopsPerCycle)
    {
        var peak = CpuPeak.Parse($"model name : X\ncpu MHz : 1000.0\nflags : {flags}\n", cores: 1)!;
        Assert.Equal(isa, peak.VectorIsa);
        Assert.Equal(flopsPerCycle, peak.FlopsPerCycle);
        Assert.Equal(flopsPerCycle, peak.PeakGflops, 9);               // 1 core at 1 GHz
    }

    [Fact]
    public void No_clock_means_no_peak() => Assert.Null(CpuPeak.Parse("model name : X\nflags : avx2 fma\n", 2));
}
