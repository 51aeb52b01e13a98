using Diffuse.Pipelines;
using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Training;

/// <summary>
/// What a run's config turns into: the data, a constructor of fresh networks (the trained one and its EMA copy), and
/// the pipeline a trained network is saved and previewed as.
/// </summary>
public sealed record TrainingPlan(ITrainingData Data, Func<torch.nn.Module> CreateModel,
                                  Func<torch.nn.Module, SchedulerConfig, DiffusionPipeline> CreatePipeline);
