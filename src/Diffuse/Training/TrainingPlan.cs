using Diffuse.Pipelines;
using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Training;

/// <summary>
/// What a run's config turns into: the data, a constructor of fresh networks (the trained one and its EMA copy), and
/// the pipeline a trained network is saved and previewed as; or, for a network that is not a denoiser (an
/// autoencoder), no pipeline and an <see cref="Objective"/> that gives its loss, saving and previews.
/// </summary>
public sealed record TrainingPlan(ITrainingData Data, Func<torch.nn.Module> CreateModel,
                                  Func<torch.nn.Module, SchedulerConfig, DiffusionPipeline>? CreatePipeline)
{
    public ITrainingObjective? Objective { get; init; }
}
