using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// The time of a whole DDIM sampling loop (diffuse sample's default sampler) on a batch, with the
/// network in float32 or run through <see cref="ReducedPrecisionDenoiser"/> in a narrower type.
/// </summary>
public static class SamplingSpeed
{
    public static SamplingResult Measure(UNet2DConfig config, int batch, int steps, int warmups, int repeats, ScalarType dtype)
    {
        manual_seed(0);
        using var model = new UNet2DModel(config);
        model.eval();
        IDenoiser denoiser = dtype == ScalarType.Float32 ? model : new ReducedPrecisionDenoiser(model, dtype);
        var schedulerConfig = new SchedulerConfig { ClassName = DdimScheduler.DiffusersClassName, BetaSchedule = "squaredcos_cap_v2" };
        using var labels = config.NumClassEmbeds is int k ? randint(0, k, [batch]) : null;
        int seed = 0;
        var loop = TimingStats.Measure(warmups, repeats, () =>
        {
            using var scheduler = SchedulerFactory.Create("ddim", schedulerConfig);
            using var generator = new Generator().manual_seed(seed++);
            using var noise = randn([batch, config.InChannels, config.SampleSize, config.SampleSize], generator: generator);
            using var sample = DenoisingLoop.Run(denoiser, scheduler, noise, steps, generator, labels);
        });
        return new SamplingResult("ddim", steps, InferenceDTypes.Name(dtype), loop);
    }
}
