using Diffuse.Schedules;

namespace Diffuse.Schedulers;

/// <summary>
/// The timesteps a σ-based sampler visits and their noise levels, with one σ more than timesteps (the σ reached by
/// the last step), as diffusers' Euler and Heun <c>set_timesteps</c> compute them: float32 timesteps, σ interpolated
/// linearly between training timesteps in float64, optionally respaced as Karras et al. 2022 (eq. 5) with the
/// timesteps mapped back through log σ, then rounded to float32.
/// </summary>
sealed record SigmaSteps(double[] Timesteps, float[] Sigmas)
{
    public static SigmaSteps Make(SchedulerConfig config, float[] trainingSigmas, int numInferenceSteps, bool karras,
                                  double finalSigma, double? sigmaMin = null, double? sigmaMax = null)
    {
        var timesteps = TimestepSpacing.MakeFloat32(config.TimestepSpacing, config.NumTrainTimesteps, numInferenceSteps, config.StepsOffset);
        var sigmas = DiscreteSigmas.Interpolate(timesteps, trainingSigmas);
        if (karras)
        {
            sigmas = KarrasSigmas.Make(sigmaMin ?? sigmas[^1], sigmaMax ?? sigmas[0], numInferenceSteps);
            var logSigmas = trainingSigmas.Select(s => MathF.Log(s)).ToArray();
            timesteps = sigmas.Select(s => (double)(float)DiscreteSigmas.SigmaToTimestep(s, logSigmas)).ToArray();
        }
        return new SigmaSteps(timesteps, sigmas.Append(finalSigma).Select(s => (float)s).ToArray());
    }
}
