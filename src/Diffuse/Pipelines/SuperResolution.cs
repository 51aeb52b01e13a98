using Diffuse.Models;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// SR3 sampling (Saharia et al. 2021, Algorithm 2): start from noise at the high resolution and run the
/// visible denoising loop with the bicubically upsampled low-resolution image concatenated at every step.
/// Optionally several samples per image are averaged: each sample is a draw from p(x | x_low), and their
/// mean approaches the posterior mean, the estimate with the least squared error (so the highest PSNR).
/// </summary>
public static class SuperResolution
{
    /// <summary>The super-resolution factor of a model, or an error naming the folder if it is not one.</summary>
    public static int ScaleOf(UNet2DModel model, string folder) =>
        model.Config.SuperresScale ?? throw new DiffuseException(
            $"{folder} is not a super-resolution model (its unet/config.json has no superres_scale); train one with diffuse train --task superres");

    /// <param name="lowResolution">[B, C, h, w] in [−1, 1].</param>
    /// <param name="average">samples drawn and averaged per image (1: a single sample).</param>
    /// <returns>[B, C, h·scale, w·scale], clamped to [−1, 1].</returns>
    public static Tensor Upscale(IDenoiser model, IScheduler scheduler, Tensor lowResolution, int scale, int steps,
                                 Generator? generator = null, int average = 1, Action<DenoisingStep>? onStep = null)
    {
        if (average <= 0) throw new DiffuseException($"--average must be positive (got {average})");
        using var scope = NewDisposeScope();
        long b = lowResolution.shape[0], c = lowResolution.shape[1];
        long h = lowResolution.shape[2] * scale, w = lowResolution.shape[3] * scale;
        // The K samples of an image sit next to each other in one batch: [B·K, …], then the mean over K.
        var repeated = average == 1 ? lowResolution : lowResolution.repeat_interleave(average, 0);
        using var conditioned = LowResolutionConditioning.FromLowResolution(model, repeated, scale);
        var noise = randn([b * average, c, h, w], generator: generator);
        using var samples = DenoisingLoop.Run(conditioned, scheduler, noise, steps, generator, onStep: onStep);
        var mean = samples.clamp(-1, 1).view(b, average, c, h, w).mean([1]);
        return mean.MoveToOuterDisposeScope();
    }
}
