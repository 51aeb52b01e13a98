using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// A clean x₀ noised to the level the sampling loop holds on entering entry <c>index</c> of a scheduler's timesteps
/// (index = Timesteps.Length: the end of the loop), in that scheduler's own parameterisation: diffusers'
/// <c>add_noise</c> of each scheduler. Image-to-image and inpainting need it; Heun and PNDM list timesteps twice and
/// keep multistep state tied to the start, so they are refused rather than started part-way.
/// </summary>
public static class ScheduledNoise
{
    public static IReadOnlyList<string> Supported { get; } = ["ddpm", "ddim", "dpm++", "dpmsolver_multistep", "euler", "euler_a"];

    public static void CheckSupported(IScheduler scheduler, string use)
    {
        if (scheduler is not (DdpmScheduler or DdimScheduler or DpmSolverMultistepScheduler
                              or EulerDiscreteScheduler or EulerAncestralDiscreteScheduler))
            throw new DiffuseException(
                $"{use} supports the samplers {string.Join(", ", Supported)} (got {scheduler.GetType().Name}, which cannot start part-way)");
    }

    public static Tensor AddNoise(IScheduler scheduler, Tensor x0, Tensor noise, int index)
    {
        var timesteps = scheduler.Timesteps;
        if (index < 0 || index > timesteps.Length)
            throw new DiffuseException($"timestep index {index} is outside [0, {timesteps.Length}]");
        using var scope = NewDisposeScope();
        var noisy = scheduler switch
        {
            // ᾱ-based: x_t = sqrt(ᾱ_t)·x₀ + sqrt(1 − ᾱ_t)·ε (Ho et al. 2020, eq. 4); past the last timestep, x₀.
            DdpmScheduler or DdimScheduler => index == timesteps.Length
                ? x0.clone()
                : scheduler.Schedule.AddNoise(x0, noise, full(new[] { x0.shape[0] }, (long)timesteps[index], dtype: int64)),
            // DPM-Solver keeps VP samples but indexes σ = sqrt((1 − ᾱ)/ᾱ): x = α_t·x₀ + σ_t·ε (Lu et al. 2022, §2).
            DpmSolverMultistepScheduler dpm => VariancePreserving(x0, noise, dpm.Sigmas[index]),
            // Karras et al. 2022 (eq. 1) samples are x₀ + σ·ε, unscaled: Euler's add_noise.
            EulerDiscreteScheduler euler => x0 + euler.Sigmas[index] * noise,
            EulerAncestralDiscreteScheduler ancestral => x0 + ancestral.Sigmas[index] * noise,
            _ => throw new DiffuseException($"{scheduler.GetType().Name} has no part-way noising (supported: {string.Join(", ", Supported)})"),
        };
        return noisy.MoveToOuterDisposeScope();
    }

    static Tensor VariancePreserving(Tensor x0, Tensor noise, float veSigma)
    {
        double alpha = 1.0 / Math.Sqrt((double)veSigma * veSigma + 1.0);
        return alpha * x0 + veSigma * alpha * noise;
    }
}
