using System.Diagnostics;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>Runs the cases of a <see cref="BenchOptions"/> one after another and gathers a <see cref="BenchReport"/>.</summary>
public static class BenchRunner
{
    public static IReadOnlyList<string> Notes { get; } =
    [
        "times are wall-clock medians over the repeats after the warm-ups; spread = (max - min) / median",
        "GFLOP/s = 2 FLOP per multiply-add of convolutions, linear layers and attention products (norms, activations and additions not counted)",
        "a training step is counted as 3 forward passes of multiply-adds (backward: one product for input gradients, one for weight gradients)",
        "preset cases: diffuse's Trainer step (AdamW, min-SNR loss, clipping, EMA) on the embedded Fashion-MNIST part; pt-* cases: the PyTorch reference's step (zero_grad, forward, MSE, backward, Adam) on random data, as in docs/benchmarks.md",
        "sampling: a DDIM loop of the given steps on a batch of noise; ms per evaluation = loop time / steps (scheduler cost included)",
    ];

    /// <param name="onCase">told the name of each case before it is measured, and what part.</param>
    public static BenchReport Run(BenchOptions options, Action<string, string>? onCase = null)
    {
        options.Validate();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var rows = new List<BenchRow>();
        foreach (var name in options.Cases)
        {
            var bench = BenchCases.Get(name, options.PresetSize);
            var config = bench.Config;
            onCase?.Invoke(name, "training step");
            var train = bench.Method == BenchMethod.Trainer
                ? UNetSpeed.TrainerStep(bench.Preset!, config.SampleSize, options.Batch, options.Warmups, options.Repeats)
                : UNetSpeed.ReferenceTrainStep(config, options.Batch, options.Warmups, options.Repeats);
            onCase?.Invoke(name, "forward");
            var forward = UNetSpeed.Forward(config, options.Batch, options.Warmups, options.Repeats);
            SamplingResult? sampling = null;
            if (bench.Method == BenchMethod.Trainer && options.SamplingSteps > 0)
            {
                onCase?.Invoke(name, "sampling");
                sampling = SamplingSpeed.Measure(config, options.Batch, options.SamplingSteps, Math.Min(options.Warmups, 1),
                                                 options.SamplingRepeats, options.SamplingDType);
            }
            long parameters;
            using (var model = new UNet2DModel(config)) parameters = model.parameters().Sum(p => p.numel());
            rows.Add(new BenchRow
            {
                Case = name, Description = bench.Description, Method = bench.Method.ToString(), Parameters = parameters,
                ImageSize = config.SampleSize, Batch = options.Batch, ForwardMacsPerImage = UNetMacs.Forward(config),
                Train = train, Forward = forward, Sampling = sampling, PyTorch = bench.PyTorch,
            });
        }
        return new BenchReport
        {
            Started = started, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Machine = $"{Environment.ProcessorCount} cores, {CpuPeak.Detect()?.Model ?? "unknown CPU"}, {Environment.OSVersion}",
            Peak = CpuPeak.Detect(), IntraOpThreads = get_num_threads(), InteropThreads = get_num_interop_threads(),
            Warmups = options.Warmups, Repeats = options.Repeats, Notes = Notes, Rows = rows,
        };
    }
}
