using System.Diagnostics;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// SD 1.5's attention shapes (batch 2, 8 heads) in float32 and bfloat16, computed several ways: libtorch's fused
/// kernel on strided or contiguous inputs, the explicit product (4-D matmul, batched bmm, in query blocks, with a
/// float32 softmax), each one's error against float64, then timed in interleaved rounds. It is how
/// <c>ScaledDotProductAttention</c>'s reduced-precision path was chosen.
/// </summary>
internal static class AttentionVariants
{
    private static Tensor Chunked(Tensor q, Tensor k, Tensor v, long chunk, bool floatSoftmax)
    {
        long b = q.shape[0], h = q.shape[1], n = q.shape[2], d = q.shape[3], l = k.shape[2];
        var q3 = (q * (1.0 / Math.Sqrt(d))).reshape(b * h, n, d);
        var kt = k.reshape(b * h, l, d).transpose(1, 2);
        var v3 = v.reshape(b * h, l, d);
        var parts = new List<Tensor>();
        for (long i = 0; i < n; i += chunk)
        {
            var scores = bmm(q3.narrow(1, i, Math.Min(chunk, n - i)), kt);
            var p = floatSoftmax ? scores.softmax(-1, ScalarType.Float32).to(q.dtype) : scores.softmax(-1);
            parts.Add(bmm(p, v3));
        }
        return cat(parts, 1).view(b, h, n, d);
    }

    public static void Run(int rounds, TextWriter output)
    {
        set_grad_enabled(false);
        manual_seed(0);
        var shapes = new (string Name, long Tokens, long Context, long Heads, long Dim)[]
        {
            ("self 4096 d40", 4096, 4096, 8, 40),
            ("cross 4096x77 d40", 4096, 77, 8, 40),
            ("self 1024 d80", 1024, 1024, 8, 80),
        };
        foreach (var s in shapes)
        foreach (var dt in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var q = randn(2, s.Tokens, s.Heads * s.Dim).to(dt).view(2, -1, s.Heads, s.Dim).transpose(1, 2);
            var k = randn(2, s.Context, s.Heads * s.Dim).to(dt).view(2, -1, s.Heads, s.Dim).transpose(1, 2);
            var v = randn(2, s.Context, s.Heads * s.Dim).to(dt).view(2, -1, s.Heads, s.Dim).transpose(1, 2);
            var variants = new (string, Func<Tensor>)[]
            {
                ("sdpa strided", () => nn.functional.scaled_dot_product_attention(q, k, v)),
                ("sdpa contiguous", () => nn.functional.scaled_dot_product_attention(q.contiguous(), k.contiguous(), v.contiguous())),
                ("math", () => matmul(softmax(matmul(q, k.transpose(-1, -2)) * (1.0 / Math.Sqrt(s.Dim)), -1), v)),
                ("math bmm", () =>
                {
                    var q3 = q.reshape(-1, s.Tokens, s.Dim); var k3 = k.reshape(-1, s.Context, s.Dim); var v3 = v.reshape(-1, s.Context, s.Dim);
                    var scores = bmm(q3 * (1.0 / Math.Sqrt(s.Dim)), k3.transpose(1, 2));
                    return bmm(scores.softmax(-1), v3).view(2, s.Heads, s.Tokens, s.Dim);
                }),
                ("bmm chunk1024", () => Chunked(q, k, v, 1024, false)),
                ("bmm chunk1024 f32sm", () => Chunked(q, k, v, 1024, true)),
                ("bmm chunk2048", () => Chunked(q, k, v, 2048, false)),
                ("sdpa chunk1024", () =>
                {
                    var parts = new List<Tensor>();
                    for (long i = 0; i < s.Tokens; i += 1024) parts.Add(nn.functional.scaled_dot_product_attention(q.narrow(2, i, Math.Min(1024, s.Tokens - i)), k, v));
                    return cat(parts, 2);
                }),
                ("sdpa fp32", () => nn.functional.scaled_dot_product_attention(q.to(float32), k.to(float32), v.to(float32)).to(dt)),
            };
            var reference = nn.functional.scaled_dot_product_attention(q.to(float64), k.to(float64), v.to(float64));
            foreach (var (name, f) in variants)
            {
                using var d = NewDisposeScope();
                var err = (f().to(float64) - reference).pow(2).mean().sqrt().item<double>() / reference.std().item<double>();
                output.WriteLine($"{s.Name,-20} {dt,-9} {name,-20} rel rms error {err:E2}");
            }
            var times = variants.ToDictionary(x => x.Item1, _ => new List<double>());
            foreach (var (_, f) in variants) { using var d = NewDisposeScope(); f(); }
            for (int r = 0; r < rounds; r++)
                foreach (var (name, f) in variants.Skip(r % variants.Length).Concat(variants.Take(r % variants.Length)))
                {
                    using var d = NewDisposeScope();
                    var sw = Stopwatch.StartNew(); f(); times[name].Add(sw.Elapsed.TotalMilliseconds);
                }
            foreach (var (name, t) in times)
            {
                t.Sort();
                output.WriteLine($"{s.Name,-20} {dt,-9} {name,-16} median {t[t.Count / 2],8:F1} ms  min {t[0],8:F1}");
            }
        }
    }
}

/// <summary>SD 1.5's UNet (seeded random weights) at 32×32, batch 2, t = 999: bfloat16 output against float32.</summary>
internal static class UNetPrecision
{
    public static void Run(int side, TextWriter output)
    {
        set_grad_enabled(false);
        manual_seed(0);
        using var unet = new Diffuse.Models.UNet2DConditionModel(Diffuse.Benchmarks.StableDiffusionCases.UNetConfig());
        unet.eval();
        var g = new Generator(1);
        var sample = randn([2, 4, side, side], generator: g);
        var states = randn([2, 77, 768], generator: g);
        var t = full([2], 999.0);
        var c = new Diffuse.Models.Conditioning { EncoderHiddenStates = states };
        var fp32 = unet.Predict(sample, t, c);
        var bf16Denoiser = new Diffuse.Models.ReducedPrecisionDenoiser(unet, ScalarType.BFloat16);
        var bf16 = bf16Denoiser.Predict(sample, t, c);
        var diff = bf16 - fp32;
        double relL2 = diff.norm().item<float>() / fp32.norm().item<float>();
        double cosine = (bf16 * fp32).sum().item<float>() / (bf16.norm().item<float>() * fp32.norm().item<float>());
        output.WriteLine($"{side}x{side}: rel_l2 {relL2:F6} max_abs {diff.abs().max().item<float>():F6} ref_std {fp32.std().item<float>():F4} cosine {cosine:F7}");
    }
}
