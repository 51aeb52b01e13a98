using System.Diagnostics;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// Sets up every case of a <see cref="BenchOptions"/> (training step, forward pass and, for the presets,
/// a sampling loop), times them all together with <see cref="InterleavedTimer"/>, and gathers a
/// <see cref="BenchReport"/>.
/// </summary>
public static class BenchRunner
{
    public static IReadOnlyList<string> Notes { get; } =
    [
        "calls are timed (wall clock) in interleaved rounds after the warm-ups: each case and part a turn a round, of one call or as many as fit in a second",
        "best = the fastest call; rates (steps/s, images/s, GFLOP/s, ms per evaluation) are from it: on a shared machine interference only adds time, so the fastest call is the figure that repeats from run to run (as Python's timeit advises); the median and the half-width of its 95 % order-statistic interval are beside it",
        "GFLOP/s = 2 FLOP per multiply-add of convolutions, linear layers and attention products (norms, activations and additions not counted)",
        "a training step is counted as 3 forward passes of multiply-adds (backward: one product for input gradients, one for weight gradients)",
        "preset cases: diffuse's Trainer step (AdamW, min-SNR loss, clipping, EMA) on the embedded Fashion-MNIST part; pt-* cases: the PyTorch reference's step (zero_grad, forward, MSE, backward, Adam) on random data, as in docs/benchmarks.md",
        "sampling: a DDIM loop of the given steps on a batch of noise; ms per evaluation = loop time / steps (scheduler cost included)",
        "sd15-* cases: SD 1.5's UNet (released config, random seeded weights made in the case's dtype) at batch 2 with 77×768 text states, t = 999, one network call per step, each case alone after the others; peak RSS during calls = VmHWM after the calls, reset (/proc/self/clear_refs) once the model was built, as ../shared/perf/sd15_cpu_bench.py measures PyTorch",
    ];

    /// <param name="onCall">told each call before it runs: case, part, and whether it is a warm-up.</param>
    public static BenchReport Run(BenchOptions options, Action<string, string, bool>? onCall = null)
    {
        options.Validate();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var rows = UNetRows(options, onCall);
        var recipeRows = RecipeRows(options, onCall);
        // Each Stable Diffusion case alone, after the others are freed: one 860M-parameter network in memory at a time,
        // and a peak RSS that is its own.
        var denoiserRows = options.Cases.Where(StableDiffusionCases.Contains)
            .Select(name => DenoiserSpeed.Measure(StableDiffusionCases.Get(name), options, (work, warmup) => onCall?.Invoke(work.Case, work.Part, warmup)))
            .ToArray();
        return new BenchReport
        {
            Started = started, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Machine = $"{Environment.ProcessorCount} cores, {CpuPeak.Detect()?.Model ?? "unknown CPU"}, {Environment.OSVersion}",
            Peak = CpuPeak.Detect(), IntraOpThreads = get_num_threads(), InteropThreads = get_num_interop_threads(),
            Warmups = options.Warmups, MinRepeats = options.MinRepeats, MaxRepeats = options.MaxRepeats,
            BudgetSeconds = options.BudgetSeconds, TargetPercent = options.TargetPercent, Notes = Notes, Rows = rows,
            DenoiserRows = denoiserRows,
            RecipeRows = recipeRows,
        };
    }

    private static BenchRow[] UNetRows(BenchOptions options, Action<string, string, bool>? onCall)
    {
        var cases = options.Cases.Where(name => !StableDiffusionCases.Contains(name) && !RecipeCases.Contains(name)).Select(name => BenchCases.Get(name, options.PresetSize)).ToArray();
        if (cases.Length == 0) return [];
        var works = new List<BenchWork>();
        try
        {
            foreach (var bench in cases) works.AddRange(Works(bench, options));
            var times = InterleavedTimer.Run(works, TimeSpan.FromSeconds(options.BudgetSeconds), options.TargetPercent,
                                             TimeSpan.FromSeconds(options.SliceSeconds), (work, warmup) => onCall?.Invoke(work.Case, work.Part, warmup));
            TimingStats Find(string name, string part) => times[works.FindIndex(w => w.Case == name && w.Part == part)];
            return cases.Select(bench =>
            {
                long parameters;
                using (var model = new UNet2DModel(bench.Config)) parameters = model.parameters().Sum(p => p.numel());
                return new BenchRow
                {
                    Case = bench.Name, Description = bench.Description, Method = bench.Method.ToString(), Parameters = parameters,
                    ImageSize = bench.Config.SampleSize, Batch = options.Batch, ForwardMacsPerImage = UNetMacs.Forward(bench.Config),
                    Train = Find(bench.Name, BenchWork.TrainPart), Forward = Find(bench.Name, BenchWork.ForwardPart), PyTorch = bench.PyTorch,
                    NarrowDType = options.NarrowDType is ScalarType narrow ? InferenceDTypes.Name(narrow) : null,
                    NarrowTrain = options.NarrowDType is ScalarType n1 && TrainsIn(n1) ? Find(bench.Name, UNetSpeed.Part(BenchWork.TrainPart, n1)) : null,
                    NarrowForward = options.NarrowDType is ScalarType n2 ? Find(bench.Name, UNetSpeed.Part(BenchWork.ForwardPart, n2)) : null,
                    Sampling = Samples(bench, options)
                        ? new SamplingResult("ddim", options.SamplingSteps, InferenceDTypes.Name(options.SamplingDType), Find(bench.Name, BenchWork.SamplingPart))
                        : null,
                };
            }).ToArray();
        }
        finally
        {
            foreach (var work in works) work.Dispose();
        }
    }

    /// <summary>The recipe cases' trainer steps, interleaved with each other in one timer run.</summary>
    private static RecipeRow[] RecipeRows(BenchOptions options, Action<string, string, bool>? onCall)
    {
        var names = options.Cases.Where(RecipeCases.Contains).ToArray();
        if (names.Length == 0) return [];
        var built = new List<(string Name, string DType, BenchWork Work, long Parameters)>();
        // With a bfloat16 --dtype each recipe is also timed in mixed precision, in the same rounds.
        string[] dtypes = options.NarrowDType is ScalarType n && TrainsIn(n) ? ["float32", InferenceDTypes.Name(n)] : ["float32"];
        try
        {
            foreach (var name in names)
                foreach (var dtype in dtypes)
                {
                    var (work, parameters) = RecipeCases.TrainStep(name, options.Batch, dtype);
                    built.Add((name, dtype, work.With(options.Warmups, (options.MinRepeats, options.MaxRepeats)), parameters));
                }
            var works = built.Select(b => b.Work).ToList();
            var times = InterleavedTimer.Run(works, TimeSpan.FromSeconds(options.BudgetSeconds), options.TargetPercent,
                                             TimeSpan.FromSeconds(options.SliceSeconds), (work, warmup) => onCall?.Invoke(work.Case, work.Part, warmup));
            return built.Select((b, i) =>
            {
                var config = RecipeCases.Config(b.Name, options.Batch);
                return new RecipeRow
                {
                    Case = b.Name, Preset = config.Model, Objective = config.Objective, Parameters = b.Parameters, Batch = options.Batch,
                    DType = b.DType, Train = times[i],
                };
            }).ToArray();
        }
        finally
        {
            foreach (var b in built) b.Work.Dispose();
        }
    }

    /// <summary>How many calls (warm-ups and timed, at the fewest) a run makes: for a progress bar.</summary>
    public static int FewestCalls(BenchOptions options) =>
        options.Cases.Sum(name => RecipeCases.Contains(name) ? (options.NarrowDType is ScalarType r && TrainsIn(r) ? 2 : 1) * (options.Warmups + options.MinRepeats) : StableDiffusionCases.Contains(name)
            ? options.DenoiserWarmups + options.MinRepeats
            : (2 + (options.NarrowDType is ScalarType n ? (TrainsIn(n) ? 2 : 1) : 0)) * (options.Warmups + options.MinRepeats) +
              (Samples(BenchCases.Get(name, options.PresetSize), options) ? SamplingWarmups(options) + options.SamplingMinRepeats : 0));

    private static bool Samples(BenchCase bench, BenchOptions options) => bench.Method == BenchMethod.Trainer && options.SamplingSteps > 0;

    private static int SamplingWarmups(BenchOptions options) => Math.Min(options.Warmups, 1);

    /// <summary>A case's training step: diffuse's Trainer for a preset, the PyTorch reference's step for a pt-* case.</summary>
    public static BenchWork TrainStep(BenchCase bench, int batch, ScalarType dtype = ScalarType.Float32) => bench.Method == BenchMethod.Trainer
        ? UNetSpeed.TrainerStep(bench.Preset!, bench.Config.SampleSize, batch, dtype)
        : UNetSpeed.ReferenceTrainStep(bench.Name, bench.Config, batch, dtype);

    /// <summary>Training in a narrow type is bfloat16 mixed precision; float16 would need loss scaling and is only timed forward.</summary>
    private static bool TrainsIn(ScalarType dtype) => dtype == ScalarType.BFloat16;

    private static IEnumerable<BenchWork> Works(BenchCase bench, BenchOptions options)
    {
        var repeats = (Min: options.MinRepeats, Max: options.MaxRepeats);
        yield return TrainStep(bench, options.Batch).With(options.Warmups, repeats);
        if (options.NarrowDType is ScalarType narrow && TrainsIn(narrow)) yield return TrainStep(bench, options.Batch, narrow).With(options.Warmups, repeats);
        yield return UNetSpeed.Forward(bench.Name, bench.Config, options.Batch).With(options.Warmups, repeats);
        if (options.NarrowDType is ScalarType n) yield return UNetSpeed.Forward(bench.Name, bench.Config, options.Batch, n).With(options.Warmups, repeats);
        if (Samples(bench, options))
            yield return SamplingSpeed.Loop(bench.Name, bench.Config, options.Batch, options.SamplingSteps, options.SamplingDType)
                .With(SamplingWarmups(options), (options.SamplingMinRepeats, options.SamplingMaxRepeats));
    }
}
