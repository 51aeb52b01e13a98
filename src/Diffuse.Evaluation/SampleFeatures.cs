using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Draws images from a diffusion pipeline batch by batch and keeps only their features, so
/// measuring thousands of samples needs the memory of one batch of images. Samples are clamped to
/// [−1, 1] first, as a PNG would clamp them. A class-conditional model is asked for the classes in turn
/// (0, 1, …, K−1, 0, …), unguided, matching a class-balanced dataset such as Fashion-MNIST.
/// </summary>
public static class SampleFeatures
{
    /// <param name="newScheduler">a fresh scheduler per batch, so multistep schedulers start clean.</param>
    /// <param name="onBatch">gets the number of images sampled so far.</param>
    public static Tensor FromModel(DiffusionPipeline pipeline, Func<IScheduler> newScheduler, IFeatureExtractor features,
                                   int count, int batch, int steps, long seed, Action<int>? onBatch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (!pipeline.MakesImages || !pipeline.GeneratesFromNoise)
            throw new DiffuseException($"a {pipeline.ClassName} does not make images from noise; sample quality is measured on image generators");
        var shape = pipeline.SampleShape;
        features.CheckInput((int)shape[0], (int)shape[1]);
        using var generator = new Generator().manual_seed(seed);
        var parts = new List<Tensor>();
        try
        {
            for (int done = 0; done < count;)
            {
                int n = Math.Min(batch, count - done);
                using var scope = NewDisposeScope();
                using var scheduler = newScheduler();
                var noise = randn([n, .. shape], generator: generator).to(pipeline.Device);
                var classes = pipeline.ClassCount is int k ? Enumerable.Range(done, n).Select(i => i % k).ToList() : null;
                var denoiser = pipeline.DenoiserFor(new GenerationOptions { Classes = classes }, n, editing: false);
                var samples = DenoisingLoop.Run(denoiser, scheduler, noise, steps, generator);
                parts.Add(features.Features(samples.cpu().clamp(-1, 1)).MoveToOuterDisposeScope());
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
