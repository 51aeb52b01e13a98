using System.Diagnostics;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// Times a <see cref="DenoiserCase"/> alone: build the network (seeded) in the case's dtype (one copy of the weights, as
/// PyTorch holds after <c>model.to(torch.bfloat16)</c>), reset the peak RSS, then the warm-ups and timed calls, then
/// read the peak. The network runs as <c>diffuse sample --dtype</c> runs it: float32 latents in and out, cast around
/// the bfloat16 network by <see cref="ReducedPrecisionDenoiser"/> (a few microseconds).
/// </summary>
public static class DenoiserSpeed
{
    public const string StepPart = "denoising step";

    /// <summary>
    /// The network with seeded random weights, made in the case's dtype. Not built in float32 and converted, as the
    /// PyTorch script does: the CLI keeps the heap it frees (<see cref="Runtime.GlibcMallocSettings"/>), so the float32
    /// weights' 3.4 GB would stay resident beside the bfloat16 ones (4.3 GiB after the build instead of 1.8) and be
    /// measured as the network's; PyTorch, on glibc's defaults, hands them back.
    /// </summary>
    public static UNet2DConditionModel Build(DenoiserCase bench)
    {
        var previous = get_default_dtype();
        set_default_dtype(bench.DType);
        try
        {
            manual_seed(0);
            var model = new UNet2DConditionModel(bench.Config);
            model.eval();
            return model;
        }
        finally
        {
            set_default_dtype(previous);
        }
    }

    /// <summary>
    /// Frees the weights now, not when the finalizer gets to them. The process keeps the freed heap for reuse
    /// (<see cref="Runtime.GlibcMallocSettings"/>), so a later case in the same process starts from this one's peak:
    /// for memory figures run one case a process (or set DIFFUSE_MALLOC=default).
    /// </summary>
    private static void Release(UNet2DConditionModel model)
    {
        foreach (var parameter in model.parameters().ToList()) parameter.Dispose();
        model.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <param name="onCall">told each call before it runs: the work, and whether it is a warm-up.</param>
    public static DenoiserRow Measure(DenoiserCase bench, BenchOptions options, Action<BenchWork, bool>? onCall = null)
    {
        var clock = Stopwatch.StartNew();
        var model = Build(bench);
        long parameters = model.parameters().Sum(p => p.numel());
        IDenoiser denoiser = bench.DType == ScalarType.Float32 ? model : new ReducedPrecisionDenoiser(model, bench.DType);
        var generator = new Generator(0);
        var sample = randn([bench.Batch, bench.Config.InChannels, bench.LatentSize, bench.LatentSize], generator: generator);
        var states = randn([bench.Batch, bench.Tokens, bench.Config.CrossAttentionDimPerBlock()[0]], generator: generator);
        // One timestep per item, the first of a 1000-step schedule (the reference uses t = 999 too).
        var timesteps = full([bench.Batch], 999L, ScalarType.Int64);
        var conditioning = new Conditioning { EncoderHiddenStates = states };
        double buildSeconds = clock.Elapsed.TotalSeconds;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var afterBuild = ProcessMemory.Read();
        bool reset = ProcessMemory.ResetPeak();
        TimingStats step;
        ProcessMemory? afterCalls;
        using (var work = new BenchWork(bench.Name, StepPart, () =>
               {
                   using var scope = NewDisposeScope();
                   using var noGrad = no_grad();
                   denoiser.Predict(sample, timesteps, conditioning);
               }, sample, states, timesteps).With(options.DenoiserWarmups, (options.MinRepeats, options.MaxRepeats)))
        {
            step = InterleavedTimer.Run([work], TimeSpan.FromSeconds(options.BudgetSeconds), options.TargetPercent,
                                        TimeSpan.FromSeconds(options.SliceSeconds), onCall)[0];
            afterCalls = ProcessMemory.Read();
        }
        Release(model);
        return new DenoiserRow
        {
            Case = bench.Name, Description = bench.Description, Parameters = parameters, LatentSize = bench.LatentSize,
            Batch = bench.Batch, DType = InferenceDTypes.Name(bench.DType), BuildSeconds = Math.Round(buildSeconds, 2), Step = step,
            RssAfterBuildBytes = afterBuild?.RssBytes, BuildPeakRssBytes = afterBuild?.PeakRssBytes, PeakReset = reset,
            PeakRssDuringCallsBytes = afterCalls?.PeakRssBytes,
        };
    }
}
