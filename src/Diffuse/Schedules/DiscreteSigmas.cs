using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// A discrete schedule seen as a variance-exploding one: x_t/sqrt(ᾱ_t) = x_0 + σ_t·ε with σ_t = sqrt((1 − ᾱ_t)/ᾱ_t)
/// (Karras et al. 2022, §2 and Table 1, "VP"), as diffusers' Euler, Heun and DPM-Solver schedulers compute it.
/// </summary>
public static class DiscreteSigmas
{
    /// <summary>What diffusers puts in place of ᾱ_T = 0 after zero-terminal-SNR rescaling, so σ_T stays finite (2^−24).</summary>
    public const float ZeroSnrAlphaCumprod = 1f / (1 << 24);

    /// <summary>σ_t for every training timestep, ascending in t, in float32.</summary>
    public static float[] Training(NoiseSchedule schedule, bool rescaledToZeroSnr)
    {
        var sigmas = new float[schedule.NumTrainTimesteps];
        for (int t = 0; t < sigmas.Length; t++)
        {
            float alphaProd = AlphaCumprod(schedule, t, rescaledToZeroSnr);
            sigmas[t] = MathF.Sqrt((1f - alphaProd) / alphaProd);
        }
        return sigmas;
    }

    /// <summary>ᾱ_t as the σ-based schedulers see it (ᾱ_T replaced by 2^−24 after zero-SNR rescaling).</summary>
    public static float AlphaCumprod(NoiseSchedule schedule, int t, bool rescaledToZeroSnr) =>
        rescaledToZeroSnr && t == schedule.NumTrainTimesteps - 1 ? ZeroSnrAlphaCumprod : schedule.AlphaCumprodAt(t);

    /// <summary>σ at possibly fractional timesteps, linear between training timesteps (numpy's <c>interp</c>).</summary>
    public static double[] Interpolate(IReadOnlyList<double> timesteps, float[] sigmas) =>
        timesteps.Select(t => Interpolate(t, sigmas)).ToArray();

    static double Interpolate(double t, float[] sigmas)
    {
        if (t <= 0) return sigmas[0];
        int last = sigmas.Length - 1;
        if (t >= last) return sigmas[last];
        int j = (int)Math.Floor(t);
        if (t == j) return sigmas[j];
        double slope = ((double)sigmas[j + 1] - sigmas[j]) / 1.0;
        return slope * (t - j) + sigmas[j];
    }

    /// <summary>
    /// The fractional timestep whose log σ is <paramref name="sigma"/>'s, linear in log σ between neighbours
    /// (diffusers' <c>_sigma_to_t</c>); <paramref name="logSigmas"/> is ln σ_t of the training timesteps in float32.
    /// </summary>
    public static double SigmaToTimestep(double sigma, float[] logSigmas)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // argmax of the running count of log σ_t ≤ log σ: the first index where the count is largest.
        int count = 0, best = 0, lowIndex = 0;
        for (int i = 0; i < logSigmas.Length; i++)
        {
            if (logSigma - logSigmas[i] >= 0) count++;
            if (count > best) { best = count; lowIndex = i; }
        }
        lowIndex = Math.Min(lowIndex, logSigmas.Length - 2);
        int highIndex = lowIndex + 1;
        float low = logSigmas[lowIndex], high = logSigmas[highIndex];
        double w = Math.Clamp((low - logSigma) / (low - high), 0, 1);
        return (1 - w) * lowIndex + w * highIndex;
    }

    /// <summary>
    /// The standard deviation of x_T: σ_max for linspace and trailing spacing, sqrt(σ_max² + 1) for leading, as
    /// diffusers' Euler and Heun <c>init_noise_sigma</c> (float32).
    /// </summary>
    public static float InitNoiseSigma(float[] sigmas, string timestepSpacing)
    {
        float max = sigmas.Max();
        return timestepSpacing is TimestepSpacing.Linspace or TimestepSpacing.Trailing ? max : MathF.Sqrt(max * max + 1f);
    }

    /// <summary>x/sqrt(σ² + 1): the network was trained on x_t = sqrt(ᾱ_t)·(x_0 + σ_t·ε) (Karras et al. 2022, Table 1, c_in).</summary>
    public static Tensor ScaleModelInput(Tensor sample, float sigma)
    {
        using var scale = tensor(MathF.Sqrt(sigma * sigma + 1f), dtype: float32);
        return sample / scale;
    }
}
