using static TorchSharp.torch;

namespace Diffuse.Schedulers;

/// <summary>
/// The maths of <see cref="IScheduler.AddNoise"/>: a clean x₀ noised to the level the sampling loop holds on
/// entering entry <c>index</c> of the timesteps (index = Timesteps.Length: the end of the loop, x₀ itself), in each
/// family's own parameterisation, as diffusers' <c>add_noise</c> of each scheduler.
/// </summary>
static class PartWayNoise
{
    public static void CheckIndex(int index, int count)
    {
        if (index < 0 || index > count)
            throw new DiffuseArgumentException("step_index", $"must lie in [0, {count}] (got {index})");
    }

    /// <summary>ᾱ-based samplers: x_t = sqrt(ᾱ_t)·x₀ + sqrt(1 − ᾱ_t)·ε (Ho et al. 2020, eq. 4).</summary>
    public static Tensor AlphaCumprod(IBetaScheduler scheduler, Tensor x0, Tensor noise, int index)
    {
        var timesteps = scheduler.Timesteps;
        CheckIndex(index, timesteps.Length);
        if (index == timesteps.Length) return x0.clone();
        using var scope = NewDisposeScope();
        var t = full(new[] { x0.shape[0] }, (long)timesteps[index], dtype: int64);
        return scheduler.Schedule.AddNoise(x0, noise, t).MoveToOuterDisposeScope();
    }

    /// <summary>DPM-Solver keeps VP samples but indexes σ = sqrt((1 − ᾱ)/ᾱ): x = α_t·x₀ + σ_t·ε (Lu et al. 2022, §2).</summary>
    public static Tensor VariancePreserving(Tensor x0, Tensor noise, IReadOnlyList<float> sigmas, int index)
    {
        CheckIndex(index, sigmas.Count - 1);
        double sigma = sigmas[index];
        double alpha = 1.0 / Math.Sqrt(sigma * sigma + 1.0);
        return alpha * x0 + sigma * alpha * noise;
    }

    /// <summary>Karras et al. 2022 (eq. 1) samples are x₀ + σ·ε, unscaled: Euler's add_noise.</summary>
    public static Tensor Karras(Tensor x0, Tensor noise, IReadOnlyList<float> sigmas, int index)
    {
        CheckIndex(index, sigmas.Count - 1);
        return x0 + sigmas[index] * noise;
    }

    public static Exception NotSupported(string sampler) =>
        new DiffuseException($"{sampler} cannot start part-way down its timesteps (it lists timesteps twice or keeps multistep state from the start); use ddpm, ddim, dpm++, euler or euler_a");
}
