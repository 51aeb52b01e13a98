using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// SR3 sampling (Saharia et al. 2021, Algorithm 2): start from noise at the high resolution and run the
/// visible denoising loop with the bicubically upsampled low-resolution image concatenated at every step
/// (§2, "we simply concatenate the low-resolution image, upsampled to the target resolution with bicubic
/// interpolation, with y_t along the channel dimension"): the <see cref="Conditioning.ImageCondition"/>.
/// Optionally several samples per image are averaged: each sample is a draw from p(x | x_low), and their
/// mean approaches the posterior mean, the estimate with the least squared error (so the highest PSNR).
/// </summary>
public static class SuperResolution
{
    /// <summary>The conditioning for low-resolution images [B, C, h, w]: them, upsampled bicubically by <paramref name="scale"/>.</summary>
    public static Conditioning Condition(Tensor lowResolution, int scale) =>
        new() { ImageCondition = LowResolution.Upsample(lowResolution, scale) };

    /// <param name="lowResolution">[B, C, h, w] in [−1, 1].</param>
    /// <param name="average">samples drawn and averaged per image (1: a single sample).</param>
    /// <returns>[B, C, h·scale, w·scale], clamped to [−1, 1].</returns>
    public static Tensor Upscale(IDenoiser model, IScheduler scheduler, Tensor lowResolution, int scale, int steps,
                                 Generator? generator = null, int average = 1, Action<DenoisingStep>? onStep = null,
                                 CancellationToken cancellationToken = default)
    {
        if (average <= 0) throw new DiffuseArgumentException("average", $"must be positive (got {average})");
        using var scope = NewDisposeScope();
        long b = lowResolution.shape[0], c = lowResolution.shape[1];
        long h = lowResolution.shape[2] * scale, w = lowResolution.shape[3] * scale;
        // The K samples of an image sit next to each other in one batch: [B·K, …], then the mean over K.
        var repeated = average == 1 ? lowResolution : lowResolution.repeat_interleave(average, 0);
        var noise = randn([b * average, c, h, w], generator: generator).to(lowResolution.device);
        using var samples = DenoisingLoop.Run(model, scheduler, noise, steps, generator, Condition(repeated, scale), onStep, cancellationToken);
        var mean = samples.clamp(-1, 1).view(b, average, c, h, w).mean([1]);
        return mean.MoveToOuterDisposeScope();
    }
}
