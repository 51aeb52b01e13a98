using Diffuse.Pipelines;
using System.Diagnostics;
using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Sample quality against sampling cost, one sampler and step count a row, as in Table 1 of the DDIM paper (Song et
/// al. 2021): every row draws the same images' starting noise from <c>seed</c> (step noise comes from a second,
/// derived generator), and is scored by the Fréchet distance of its samples' classifier features to the real ones.
/// </summary>
public static class SamplerSweep
{
    /// <summary>Samples <paramref name="count"/> images with the row's sampler and scores them against <paramref name="realFeatures"/>.</summary>
    /// <param name="onBatch">gets the number of images sampled so far.</param>
    public static SweepRowResult Run(DiffusionPipeline pipeline, FashionClassifier classifier, Tensor realFeatures,
                                     SweepRow row, int count, int batch, long seed, Action<int>? onBatch = null)
    {
        var clock = Stopwatch.StartNew();
        // A different stream from the starting noise's, the same for every row.
        using var stepNoise = new Generator().manual_seed(unchecked(seed * 6364136223846793005L + 1442695040888963407L));
        var schedulers = new List<StepNoiseScheduler>();
        IScheduler NewScheduler()
        {
            var scheduler = new StepNoiseScheduler(SchedulerRegistry.Create(row.Sampler, pipeline.SchedulerConfig), stepNoise);
            schedulers.Add(scheduler);
            return scheduler;
        }
        double distance;
        using (var features = SampleFeatures.FromModel(pipeline, NewScheduler, classifier, count, batch, row.Steps, seed, onBatch))
            distance = FrechetDistance.Between(features, realFeatures);
        return new SweepRowResult
        {
            Sampler = row.Sampler, Steps = row.Steps, NetworkEvaluations = schedulers[0].Steps,
            FrechetDistance = distance, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
    }
}
