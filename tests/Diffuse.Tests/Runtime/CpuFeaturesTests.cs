using Diffuse.Runtime;

namespace Diffuse.Tests.Runtime;

public sealed class CpuFeaturesTests
{
    [Theory]
    [InlineData("fpu sse avx2 avx512f avx512_bf16 avx512_vnni", true)]   // Zen 4, Cooper Lake
    [InlineData("fpu sse avx2 avx512f amx_bf16 amx_tile", true)]          // Sapphire Rapids
    [InlineData("fpu sse avx2 fma avx512f avx512_vnni", false)]           // Skylake-SP: AVX-512 without bfloat16
    [InlineData("fpu sse avx2 fma", false)]
    public void Bfloat16_is_native_only_with_its_instructions(string flags, bool expected) =>
        Assert.Equal(expected, CpuFeatures.HasBFloat16Flag($"processor : 0\nmodel name : X\nflags : {flags}\n\nprocessor : 1\nflags : {flags}\n"));

    [Fact]
    public void A_cpuinfo_without_flags_has_no_native_bfloat16() =>
        Assert.False(CpuFeatures.HasBFloat16Flag("processor : 0\nmodel name : X\n"));
}
