using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Plots;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// What a person looks at during training: a grid of samples from the EMA weights (always from the
/// same starting noise, so grids from different steps compare), or a scatter of sampled points
/// against the data for toy sets, or low-res | super-resolved | original for a super-resolution model, and
/// the loss curve.
/// </summary>
public sealed class TrainingPreviews(string runFolder, Trainer trainer, ITrainingData data)
{
    public void Write(IReadOnlyList<LossRecord> losses, bool final = false)
    {
        var name = final ? TrainingRun.FinalSamplesFile : Path.Combine(TrainingRun.SamplesFolder, $"step-{trainer.Step:D6}.png");
        var path = Path.Combine(runFolder, name);
        if (trainer.EmaModel is UNet2DModel { Config.SuperresScale: int scale }) WriteSuperResolution(path, scale);
        else WriteSamples(path);
        if (losses.Count > 0)
            LossPlot.SavePng(losses.Select(r => ((long)r.Step, r.Loss)).ToList(), Path.Combine(runFolder, TrainingRun.LossPlotFile));
    }

    private void WriteSamples(string path)
    {
        var config = trainer.Config;
        using (var scope = NewDisposeScope())
        {
            bool toy = data is ToyTrainingData;
            // A class-conditional model shows one class a row, eight samples each, without guidance.
            int? classes = trainer.EmaModel is UNet2DModel { Config.NullClass: int nullClass } ? nullClass : null;
            int count = toy ? 2000 : classes is int k ? k * 8 : config.SampleCount;
            using var scheduler = new DdimScheduler(trainer.SchedulerConfig with { ClassName = DdimScheduler.DiffusersClassName });
            using var generator = new Generator().manual_seed(config.Seed + 2);
            var noise = randn([count, .. data.ExampleShape], generator: generator);
            IDenoiser model = classes is int n
                ? new ClassifierFreeGuidance(trainer.EmaDenoiser, arange(count, dtype: int64).div(8, RoundingMode.floor), n, weight: 0)
                : trainer.EmaDenoiser;
            using var samples = DenoisingLoop.Run(model, scheduler, noise, config.SampleSteps);
            if (toy) PointCloudPlot.SavePng(data.NextBatch(count, generator).Examples, path, samples);
            else ImageGrid.SavePng(samples, path, columns: classes is null ? null : 8, scale: 2);
        }
    }

    /// <summary>
    /// A super-resolution model shows low-res | super-resolved | original for up to 32 training images, the same
    /// images and noise every time, four triplets a row.
    /// </summary>
    private void WriteSuperResolution(string path, int scale)
    {
        var config = trainer.Config;
        using var scope = NewDisposeScope();
        int count = Math.Min(config.SampleCount, 32);
        using var scheduler = new DdimScheduler(trainer.SchedulerConfig with { ClassName = DdimScheduler.DiffusersClassName });
        using var generator = new Generator().manual_seed(config.Seed + 2);
        var original = data.NextBatch(count, generator).Examples;
        var low = LowResolution.Degrade(original, scale);
        var noise = randn(original.shape, generator: generator);
        using var model = LowResolutionConditioning.FromLowResolution(trainer.EmaDenoiser, low, scale);
        using var upscaled = DenoisingLoop.Run(model, scheduler, noise, config.SampleSteps);
        ComparisonGrid.SavePng([ComparisonGrid.Blocks(low, scale), upscaled, original], path, groupsPerRow: 4);
    }
}
