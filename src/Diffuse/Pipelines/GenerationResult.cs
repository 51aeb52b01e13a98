using Diffuse.Data;
using Diffuse.Plots;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// What a pipeline made: the samples on the CPU in float32 (images [N, C, H, W] in [−1, 1], or points [N, D]),
/// with the grid layout that shows them best (one class a row) and the scheduler that made them. Owns its tensor.
/// </summary>
public sealed class GenerationResult(Tensor samples, int? columns, string scheduler, Tensor? latents = null) : IDisposable
{
    /// <summary>A latent model's final latents, before its decoder (null for models that sample images directly).</summary>
    public Tensor? Latents { get; } = latents;

    public Tensor Samples { get; } = samples;

    /// <summary>Grid columns that put one class a row; null: about square.</summary>
    public int? Columns { get; } = columns;

    /// <summary>The scheduler's diffusers class name.</summary>
    public string Scheduler { get; } = scheduler;

    public bool IsImages => Samples.dim() == 4;

    /// <summary>
    /// Writes the images as one grid PNG (points as a scatter plot), atomically. Latents that no decoder turned into
    /// images (channels other than 1 or 3, e.g. SD3 without its VAE) are shown one sample a row, one channel a column, in grey.
    /// </summary>
    public void SavePng(string path, int? columns = null, int scale = 1)
    {
        if (IsImages && Samples.shape[1] is not (1 or 3))
        {
            long n = Samples.shape[0], c = Samples.shape[1];
            using var channels = Samples.reshape(n * c, 1, Samples.shape[2], Samples.shape[3]);
            ImageGrid.SavePng(channels, path, (int)c, scale: scale);
        }
        else if (IsImages) ImageGrid.SavePng(Samples, path, columns ?? Columns, scale: scale);
        else PointCloudPlot.SavePng(Samples, path);
    }

    /// <summary>Writes every image as its own PNG into <paramref name="folder"/>; returns the paths.</summary>
    public IReadOnlyList<string> SaveEach(string folder, string prefix = "sample")
    {
        if (!IsImages) throw new DiffuseException("these samples are points, not images: save them with SavePng");
        return ImageGrid.SaveEach(Samples, folder, prefix);
    }

    public void Dispose()
    {
        Samples.Dispose();
        Latents?.Dispose();
    }
}
