using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// A whole DDIM sampling loop (diffuse sample's default sampler) on a batch, set up to be timed, with
/// the network in float32 or run through <see cref="ReducedPrecisionDenoiser"/> in a narrower type.
/// Each call starts from new noise.
/// </summary>
public static class SamplingSpeed
{
    public static BenchWork Loop(string caseName, UNet2DConfig config, int batch, int steps, ScalarType dtype)
    {
        manual_seed(0);
        var model = new UNet2DModel(config);
        model.eval();
        IDenoiser denoiser = dtype == ScalarType.Float32 ? model : new ReducedPrecisionDenoiser(model, dtype);
        var schedulerConfig = new SchedulerConfig { ClassName = DdimScheduler.DiffusersClassName, BetaSchedule = "squaredcos_cap_v2" };
        var labels = config.NumClassEmbeds is int k ? randint(0, k, [batch]) : null;
        int seed = 0;
        return new BenchWork(caseName, BenchWork.SamplingPart, () =>
        {
            using var scheduler = SchedulerRegistry.Create("ddim", schedulerConfig);
            using var generator = new Generator().manual_seed(seed++);
            using var noise = randn([batch, config.InChannels, config.SampleSize, config.SampleSize], generator: generator);
            using var sample = DenoisingLoop.Run(denoiser, scheduler, noise, steps, generator, labels is null ? null : new Conditioning { ClassLabels = labels });
        }, model, labels);
    }
}
