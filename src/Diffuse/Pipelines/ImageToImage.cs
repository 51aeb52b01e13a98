using Diffuse.Models;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// SDEdit (Meng et al. 2021, §3): perturb a guide image with the forward SDE to an intermediate time t₀ = strength·T
/// and solve the reverse process from there. As diffusers' img2img <c>get_timesteps</c>: set n timesteps, keep the last
/// ⌈strength·n⌉, noise the input to the first kept one and run the visible loop over the rest.
/// </summary>
public static class ImageToImage
{
    /// <param name="image">[B, C, H, W] in the model's range ([−1, 1]).</param>
    /// <param name="strength">0 returns the input; 1 starts from pure noise and ignores it.</param>
    public static Tensor Run(IDenoiser model, IScheduler scheduler, Tensor image, double strength, int steps,
                             Generator? generator = null, Conditioning? conditioning = null, Action<DenoisingStep>? onStep = null,
                             CancellationToken cancellationToken = default)
    {
        if (!(strength >= 0 && strength <= 1)) throw new DiffuseArgumentException("strength", $"must lie in [0, 1] (got {strength})");
        if (steps <= 0) throw new DiffuseArgumentException("steps", $"must be positive (got {steps})");
        CheckCanStartPartWay(scheduler, "image-to-image");
        int kept = KeptSteps(strength, steps);
        if (kept == 0) return image.clone();

        using var noGrad = no_grad();
        using var noise = randn(image.shape, dtype: image.dtype, generator: generator).to(image.device);
        // diffusers' inpaint pipeline (is_strength_max): at full strength start from pure noise, as plain sampling
        // does, rather than from sqrt(ᾱ_T)·x₀ + sqrt(1 − ᾱ_T)·ε, which still carries a trace of the input.
        if (kept == steps) return DenoisingLoop.Run(model, scheduler, noise, steps, generator, conditioning, onStep, cancellationToken);

        scheduler.SetTimesteps(steps);
        int first = scheduler.Timesteps.Length - kept;
        var start = scheduler.AddNoise(image, noise, first);
        return DenoisingLoop.Continue(model, scheduler, start, first, generator, conditioning, onStep, cancellationToken);
    }

    /// <summary>
    /// ⌈strength·steps⌉ denoising steps. diffusers truncates (int(steps·strength)); rounding up means any positive
    /// strength changes the image. The product is rounded to 1e-9 first so 0.3·10 counts as 3, not 4.
    /// </summary>
    public static int KeptSteps(double strength, int steps) =>
        Math.Min(steps, (int)Math.Ceiling(Math.Round(strength * steps, 9)));

    /// <summary>Refuses a sampler that cannot begin part-way (Heun, PNDM), naming the use.</summary>
    public static void CheckCanStartPartWay(IScheduler scheduler, string use)
    {
        if (!scheduler.CanStartPartWay)
            throw new DiffuseArgumentException("scheduler", $"{scheduler.Config.ClassName} cannot start part-way down its timesteps, which {use} needs (use ddpm, ddim, dpm++, euler or euler_a)");
    }
}
