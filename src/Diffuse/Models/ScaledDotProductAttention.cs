using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// softmax(QKᵀ/√d + bias)V for [B, heads, N, d] queries and [B, heads, L, d] keys and values. In float32 and float64
/// (and on any device but the CPU) it is libtorch's fused <c>scaled_dot_product_attention</c>. In bfloat16 and
/// float16 on the CPU it is the explicit product that diffusers' <c>AttnProcessor</c> computes (scores by a batched
/// matrix product, softmax, a second product), over blocks of queries so that the scores never take more than about
/// 128 MB: libtorch's fused CPU kernel gains nothing from bfloat16 (SD 1.5's 4096-token self-attention takes as
/// long as in float32), while the two products run at bfloat16 speed, about twice as fast.
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>The most score elements one block of queries holds (2²⁶: 128 MB in bfloat16).</summary>
    public const long DefaultMaxScoreElements = 1L << 26;

    /// <param name="bias">Added to the scores, broadcastable to [B, heads, N, L]; null for none.</param>
    /// <param name="maxScoreElements">Bound on one block's scores in the blocked (reduced-precision CPU) path.</param>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor? bias = null, long maxScoreElements = DefaultMaxScoreElements)
    {
        bool reduced = query.dtype is ScalarType.BFloat16 or ScalarType.Float16;
        if (!reduced || query.device_type != TorchSharp.DeviceType.CPU)
            return nn.functional.scaled_dot_product_attention(query, key, value, bias?.to(query.dtype));
        return Blocked(query, key, value, bias?.to(query.dtype), maxScoreElements);
    }

    private static Tensor Blocked(Tensor query, Tensor key, Tensor value, Tensor? bias, long maxScoreElements)
    {
        using var scope = NewDisposeScope();
        long b = query.shape[0], heads = query.shape[1], n = query.shape[2], d = query.shape[3], l = key.shape[2];
        var q = (query * (1.0 / Math.Sqrt(d))).reshape(b * heads, n, d);
        var kt = key.reshape(b * heads, l, d).transpose(1, 2);
        var v = value.reshape(b * heads, l, value.shape[3]);
        long block = Math.Max(1, Math.Min(n, maxScoreElements / Math.Max(1, b * heads * l)));
        var outputs = new List<Tensor>();
        for (long start = 0; start < n; start += block)
        {
            long size = Math.Min(block, n - start);
            // Each block's scores are freed before the next block's are made.
            using var blockScope = NewDisposeScope();
            var scores = bmm(q.narrow(1, start, size), kt);
            if (bias is not null)
            {
                var rows = bias.shape.Length >= 2 && bias.shape[^2] == n && n > 1 ? bias.narrow(-2, start, size) : bias;
                scores = (scores.view(b, heads, size, l) + rows).view(b * heads, size, l);
            }
            outputs.Add(bmm(scores.softmax(-1), v).MoveToOuterDisposeScope());
        }
        var attended = outputs.Count == 1 ? outputs[0] : cat(outputs, 1);
        return attended.view(b, heads, n, value.shape[3]).MoveToOuterDisposeScope();
    }
}
