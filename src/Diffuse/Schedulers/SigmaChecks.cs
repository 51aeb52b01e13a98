using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>Config checks and bookkeeping the σ-based samplers (DPM-Solver, Euler, Heun) share.</summary>
static class SigmaChecks
{
    public const string Zero = "zero";
    public const string SigmaMin = "sigma_min";

    public static void NoExponentialOrBetaSigmas(SchedulerConfig config, string sampler)
    {
        if (config.UseExponentialSigmas == true)
            throw new DiffuseException($"{sampler}: use_exponential_sigmas=true is not supported (set it to false)");
        if (config.UseBetaSigmas == true)
            throw new DiffuseException($"{sampler}: use_beta_sigmas=true is not supported (set it to false)");
    }

    /// <summary>σ after the last step: 0, or σ of training timestep 0 (diffusers' <c>final_sigmas_type</c>).</summary>
    public static float FinalSigma(SchedulerConfig config, float[] trainingSigmas, string sampler) => (config.FinalSigmasType ?? Zero) switch
    {
        Zero => 0f,
        SigmaMin => trainingSigmas[0],
        var other => throw new DiffuseException($"{sampler}: unknown final_sigmas_type '{other}' (expected {Zero}, {SigmaMin})"),
    };

    public static void StepsLeft(int stepIndex, int count, string sampler)
    {
        if (stepIndex >= count)
            throw new DiffuseException($"{sampler}: all {count} steps are taken; call SetTimesteps to sample again");
    }
}
