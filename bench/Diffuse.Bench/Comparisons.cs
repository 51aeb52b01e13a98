using System.Text.Json;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// The speed settings tried for issue #4, each timed against the setting it would replace, side by
/// side in one run (<see cref="Alternation"/>): intra-op threads, and float32 against bfloat16 and
/// float16 for sampling. Batch 64 of 1×28×28, the default and small presets.
/// </summary>
public static class Comparisons
{
    /// <param name="only">run only the comparisons whose name contains this (threads, resnet, attention, sampling)</param>
    public static IReadOnlyList<Alternation.Result> Run(int warmups, int rounds, string? only = null, Action<string>? onComparison = null)
    {
        bool Wanted(string name) => only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase);
        var results = new List<Alternation.Result>();
        int cores = Environment.ProcessorCount;

        // Threads: libtorch's default (one per core) against a single thread. A busy machine may favour
        // one thread (no waiting for a second core), an idle one should favour all cores.
        foreach (var preset in Wanted("threads") ? new[] { ModelPresets.Default } : [])
        {
            onComparison?.Invoke("threads");
            var config = ModelPresets.UNet(preset, 1, 28);
            using var model = new UNet2DModel(config);
            model.eval();
            using var x = randn(64, 1, 28, 28);
            using var t = randint(0, 1000, [64]);
            void Forward(int threads)
            {
                set_num_threads(threads);
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                model.forward(x, t);
            }
            results.Add(Alternation.Run("intra-op threads", $"{preset} forward, batch 64", "1 thread", $"{cores} threads",
                                        warmups, rounds, () => Forward(1), () => Forward(cores)));
            set_num_threads(cores);
        }

        // ResnetBlock2D's in-place sums and SiLU against the out-of-place original, same weights and inputs
        // (the default preset's 64-channel level at 14×14): inference, and a training forward + backward.
        if (Wanted("resnet in place"))
        {
            onComparison?.Invoke("resnet block in place");
            manual_seed(0);
            using var after = new ResnetBlock2D(64, 64, 128, 8, 1e-5);
            using var before = new Before.ResnetBlock2DBefore(64, 64, 128, 8, 1e-5);
            before.load_state_dict(after.state_dict());
            using var x = randn(64, 64, 14, 14);
            using var temb = randn(64, 128);
            using (no_grad())
            {
                using var a = after.forward(x, temb);
                using var b = before.forward(x, temb);
                if (!a.allclose(b, rtol: 0, atol: 0)) throw new InvalidOperationException("in-place ResnetBlock2D differs from the original");
            }
            void Infer(nn.Module<Tensor, Tensor, Tensor> block)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                block.forward(x, temb);
            }
            void Train(nn.Module<Tensor, Tensor, Tensor> block)
            {
                using var scope = NewDisposeScope();
                block.forward(x, temb).sum().backward();
            }
            results.Add(Alternation.Run("resnet in place", "64ch 14×14 block forward, batch 64", "new tensors", "in place",
                                        warmups, rounds * 2, () => Infer(before), () => Infer(after)));
            results.Add(Alternation.Run("resnet in place", "64ch 14×14 block fwd+bwd, batch 64", "new tensors", "in place",
                                        warmups, rounds * 2, () => Train(before), () => Train(after)));
        }

        // Attention through libtorch's fused scaled_dot_product_attention against the written-out softmax(QKᵀ/√d)V,
        // same weights and inputs: the mid-block attention of the pt-tiny reference net (64 channels, 16×16 tokens,
        // head dim 8) and of the small one (128 channels, 8×8 tokens), inference and a training forward + backward.
        foreach (var (channels, side) in Wanted("attention") ? new[] { (64, 16), (128, 8) } : [])
        {
            onComparison?.Invoke($"attention {channels}ch {side}×{side}");
            manual_seed(0);
            using var after = new SpatialSelfAttention(channels, 8, 8, 1e-5);
            using var before = new Before.SpatialSelfAttentionBefore(channels, 8, 8, 1e-5);
            before.load_state_dict(after.state_dict());
            using var x = randn(64, channels, side, side);
            using (no_grad())
            {
                using var a = after.forward(x);
                using var b = before.forward(x);
                if (!a.allclose(b, rtol: 1e-4, atol: 1e-5)) throw new InvalidOperationException("fused attention differs from the written-out one");
            }
            void Infer(nn.Module<Tensor, Tensor> block)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                block.forward(x);
            }
            void Train(nn.Module<Tensor, Tensor> block)
            {
                using var scope = NewDisposeScope();
                block.forward(x).sum().backward();
            }
            results.Add(Alternation.Run("attention", $"{channels}ch {side}×{side} tokens forward, batch 64", "QKᵀ softmax V", "fused SDPA",
                                        warmups, rounds * 2, () => Infer(before), () => Infer(after)));
            results.Add(Alternation.Run("attention", $"{channels}ch {side}×{side} tokens fwd+bwd, batch 64", "QKᵀ softmax V", "fused SDPA",
                                        warmups, rounds * 2, () => Train(before), () => Train(after)));
        }

        // Sampling in a narrower float type: the whole DDIM loop, network cast down, scheduler in float32.
        foreach (var preset in Wanted("sampling") ? new[] { ModelPresets.Default, ModelPresets.Small } : [])
        {
            // float16 only on the default preset: this CPU has no float16 kernels (measured 23× slower than float32),
            // and the small preset's float16 loops alone took twenty minutes.
            foreach (var dtype in preset == ModelPresets.Default ? new[] { ScalarType.BFloat16, ScalarType.Float16 } : [ScalarType.BFloat16])
            {
                onComparison?.Invoke($"{preset} sampling in {InferenceDTypes.Name(dtype)}");
                var config = ModelPresets.UNet(preset, 1, 28);
                manual_seed(0);
                using var full = new UNet2DModel(config);
                using var narrow = new UNet2DModel(config);
                narrow.load_state_dict(full.state_dict());
                full.eval();
                narrow.eval();
                var reduced = new ReducedPrecisionDenoiser(narrow, dtype);
                var schedulerConfig = new SchedulerConfig { ClassName = DdimScheduler.DiffusersClassName, BetaSchedule = "squaredcos_cap_v2" };
                using var noise = randn(64, 1, 28, 28);
                void Sample(IDenoiser denoiser)
                {
                    using var scheduler = SchedulerRegistry.Create("ddim", schedulerConfig);
                    using var sample = DenoisingLoop.Run(denoiser, scheduler, noise, 10);
                }
                results.Add(Alternation.Run("sampling dtype", $"{preset} DDIM 10 steps, batch 64", "float32", InferenceDTypes.Name(dtype),
                                            Math.Min(warmups, 1), Math.Max(3, rounds / 2), () => Sample(full), () => Sample(reduced)));
            }
        }
        return results;
    }

    public static void Write(IReadOnlyList<Alternation.Result> results, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(results.Select(r => new
        {
            r.Comparison, r.Workload, r.Before, r.After, r.BeforeTimes, r.AfterTimes, r.Speedup, r.CpuSpeedup,
        }), new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
