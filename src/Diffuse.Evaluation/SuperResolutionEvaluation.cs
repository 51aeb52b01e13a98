using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Super-resolution against its baseline on held-out images: each original is degraded to low resolution
/// (<see cref="LowResolution.Degrade"/>), then brought back by the model and by bicubic upsampling, and both
/// are scored by PSNR against the original. Every image is rounded to 8 bits first, as the PNG files a
/// person would compare hold them.
/// </summary>
public static class SuperResolutionEvaluation
{
    /// <summary>Per-image PSNR (dB) of the model's and of bicubic upsampling, and the first images of each kind for a grid.</summary>
    public sealed record Result(double[] ModelPsnr, double[] BicubicPsnr, Tensor Low, Tensor Bicubic, Tensor Upscaled, Tensor Original) : IDisposable
    {
        public void Dispose()
        {
            Low.Dispose();
            Bicubic.Dispose();
            Upscaled.Dispose();
            Original.Dispose();
        }
    }

    /// <param name="originals">[N, C, H, W] in [−1, 1], the first <paramref name="count"/> are used.</param>
    /// <param name="newScheduler">a fresh scheduler per batch, so multistep schedulers start clean.</param>
    /// <param name="kept">how many images of each kind to return for a grid.</param>
    /// <param name="onBatch">gets the number of images done so far.</param>
    public static Result Run(IDenoiser model, Func<IScheduler> newScheduler, Tensor originals, int scale, int count, int batch,
                             int steps, long seed, int average = 1, int kept = 16, Action<int>? onBatch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (originals.shape[0] < count) throw new DiffuseArgumentException("count", $"is {count} but the data holds only {originals.shape[0]} images");
        using var generator = new Generator().manual_seed(seed);
        var modelPsnr = new List<double>();
        var bicubicPsnr = new List<double>();
        var shown = new List<Tensor[]>();
        int shownCount = 0;
        for (int done = 0; done < count;)
        {
            int n = Math.Min(batch, count - done);
            using var scope = NewDisposeScope();
            using var scheduler = newScheduler();
            var original = LowResolution.RoundTo8Bits(originals.narrow(0, done, n));
            var low = LowResolution.Degrade(original, scale);
            var bicubic = LowResolution.RoundTo8Bits(LowResolution.Upsample(low, scale));
            var upscaled = LowResolution.RoundTo8Bits(SuperResolution.Upscale(model, scheduler, low, scale, steps, generator, average));
            modelPsnr.AddRange(Psnr.PerImage(upscaled, original).data<double>().ToArray());
            bicubicPsnr.AddRange(Psnr.PerImage(bicubic, original).data<double>().ToArray());
            if (shownCount < kept)
            {
                int k = Math.Min(kept - shownCount, n);
                shown.Add([.. new[] { low, bicubic, upscaled, original }.Select(t => t.narrow(0, 0, k).clone().DetachFromDisposeScope())]);
                shownCount += k;
            }
            done += n;
            onBatch?.Invoke(done);
        }
        var panels = Enumerable.Range(0, 4).Select(i => cat(shown.Select(part => part[i]).ToList(), 0)).ToArray();
        foreach (var part in shown.SelectMany(p => p)) part.Dispose();
        return new Result([.. modelPsnr], [.. bicubicPsnr], panels[0], panels[1], panels[2], panels[3]);
    }
}
