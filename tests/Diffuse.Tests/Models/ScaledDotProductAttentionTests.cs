using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

public sealed class ScaledDotProductAttentionTests
{
    private static Tensor Reference(Tensor q, Tensor k, Tensor v, Tensor? bias)
    {
        var scores = matmul(q.to(float64), k.to(float64).transpose(-1, -2)) / Math.Sqrt(q.shape[3]);
        if (bias is not null) scores = scores + bias.to(float64);
        return matmul(scores.softmax(-1), v.to(float64));
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        (actual.to(float64) - expected).pow(2).mean().sqrt().item<double>() / expected.std().item<double>();

    [Theory]
    [InlineData(ScalarType.Float32, 1e-6)]
    [InlineData(ScalarType.BFloat16, 1.5e-2)]
    public void Blocks_of_queries_with_a_per_query_bias_give_the_definition(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var q = randn(2, 3, 37, 8, generator: g).to(dtype);
        var k = randn(2, 3, 11, 8, generator: g).to(dtype);
        var v = randn(2, 3, 11, 8, generator: g).to(dtype);
        var bias = randn(2, 1, 37, 11, generator: g);
        // 2·3·11·5 score elements a block: 8 blocks of 5 queries, the last one of 2.
        var actual = ScaledDotProductAttention.Compute(q, k, v, bias, maxScoreElements: 2 * 3 * 11 * 5);
        Assert.Equal(dtype, actual.dtype);
        Assert.Equal(new long[] { 2, 3, 37, 8 }, actual.shape);
        Assert.True(RelativeError(actual, Reference(q, k, v, bias)) < tolerance);
    }

    [Fact]
    public void A_key_mask_broadcast_over_queries_removes_the_masked_keys_in_bfloat16()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var q = randn(1, 2, 9, 4, generator: g).to(bfloat16);
        var k = randn(1, 2, 6, 4, generator: g).to(bfloat16);
        var v = randn(1, 2, 6, 4, generator: g).to(bfloat16);
        var mask = zeros(1, 1, 1, 6);
        mask[.., .., .., 4..] = tensor(-10000f);
        var masked = ScaledDotProductAttention.Compute(q, k, v, mask, maxScoreElements: 2 * 6 * 4);
        var kept = ScaledDotProductAttention.Compute(q, k[.., .., ..4], v[.., .., ..4]);
        Assert.True(RelativeError(masked, kept.to(float64)) < 1e-2);
        Assert.True(RelativeError(masked, Reference(q, k[.., .., ..4], v[.., .., ..4], null)) < 1.5e-2);
    }
}
