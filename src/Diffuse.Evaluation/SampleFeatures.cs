using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Draws images from a diffusion model batch by batch and keeps only their features, so
/// measuring thousands of samples needs the memory of one batch of images. Samples are clamped to
/// [−1, 1] first, as a PNG would clamp them. A class-conditional model is asked for the classes in turn
/// (0, 1, …, K−1, 0, …), matching a class-balanced dataset such as Fashion-MNIST.
/// </summary>
public static class SampleFeatures
{
    /// <param name="newScheduler">a fresh scheduler per batch, so multistep schedulers start clean.</param>
    /// <param name="onBatch">gets the number of images sampled so far.</param>
    public static Tensor FromModel(UNet2DModel model, Func<IScheduler> newScheduler, IFeatureExtractor features,
                                   int count, int batch, int steps, long seed, Action<int>? onBatch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var c = model.Config;
        features.CheckInput(c.InChannels, c.SampleSize);
        using var generator = new Generator().manual_seed(seed);
        var parts = new List<Tensor>();
        try
        {
            for (int done = 0; done < count;)
            {
                int n = Math.Min(batch, count - done);
                using var scope = NewDisposeScope();
                using var scheduler = newScheduler();
                var noise = randn([n, c.InChannels, c.SampleSize, c.SampleSize], generator: generator);
                var labels = (c.NullClass ?? c.NumClassEmbeds) is int classes ? arange(done, done + n, dtype: ScalarType.Int64).remainder(classes) : null;
                var samples = DenoisingLoop.Run(model, scheduler, noise, steps, generator, labels);
                parts.Add(features.Features(samples.clamp(-1, 1)).MoveToOuterDisposeScope());
                samples.Dispose();
                done += n;
                onBatch?.Invoke(done);
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
