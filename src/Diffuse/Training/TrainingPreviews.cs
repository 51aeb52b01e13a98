using Diffuse.Data;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// What a person looks at during training: a grid of samples from the EMA weights (always from the
/// same starting noise, so grids from different steps compare), or a scatter of sampled points
/// against the data for toy sets, and the loss curve.
/// </summary>
public sealed class TrainingPreviews(string runFolder, Trainer trainer, ITrainingData data)
{
    public void Write(IReadOnlyList<LossRecord> losses, bool final = false)
    {
        var config = trainer.Config;
        var name = final ? TrainingRun.FinalSamplesFile : Path.Combine(TrainingRun.SamplesFolder, $"step-{trainer.Step:D6}.png");
        var path = Path.Combine(runFolder, name);
        using (var scope = NewDisposeScope())
        {
            bool toy = data is ToyTrainingData;
            int count = toy ? 2000 : config.SampleCount;
            using var scheduler = new DdimScheduler(trainer.SchedulerConfig with { ClassName = DdimScheduler.DiffusersClassName });
            using var generator = new Generator().manual_seed(config.Seed + 2);
            var noise = randn([count, .. data.ExampleShape], generator: generator);
            using var samples = DenoisingLoop.Run(trainer.EmaDenoiser, scheduler, noise, config.SampleSteps);
            if (toy) PointCloudPlot.SavePng(data.NextBatch(count, generator), path, samples);
            else ImageGrid.SavePng(samples, path, scale: 2);
        }
        if (losses.Count > 0)
            LossPlot.SavePng(losses.Select(r => ((long)r.Step, r.Loss)).ToList(), Path.Combine(runFolder, TrainingRun.LossPlotFile));
    }
}
