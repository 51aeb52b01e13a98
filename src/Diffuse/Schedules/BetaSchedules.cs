using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// The β_t of the forward process q(x_t | x_{t-1}) = N(sqrt(1−β_t)·x_{t-1}, β_t·I) (Ho et al. 2020, eq. 2),
/// built exactly as diffusers' DDPMScheduler builds <c>betas</c>, so that float32 values agree bit for bit.
/// </summary>
public static class BetaSchedules
{
    public const string Linear = "linear";
    public const string ScaledLinear = "scaled_linear";
    public const string SquaredCosCapV2 = "squaredcos_cap_v2";
    public const string Sigmoid = "sigmoid";

    public static IReadOnlyList<string> Names { get; } = [Linear, ScaledLinear, SquaredCosCapV2, Sigmoid];

    /// <summary>The largest β the cosine schedule allows (Nichol &amp; Dhariwal 2021, §3.2), to avoid a singularity at t = T.</summary>
    public const double CosineMaxBeta = 0.999;

    /// <summary>Betas as float32 [numTrainTimesteps].</summary>
    public static Tensor Make(string name, int numTrainTimesteps, double betaStart, double betaEnd)
    {
        if (numTrainTimesteps <= 0)
            throw new DiffuseException($"num_train_timesteps must be positive, got {numTrainTimesteps}");
        return name switch
        {
            Linear => linspace(betaStart, betaEnd, numTrainTimesteps, dtype: float32),
            ScaledLinear => ScaledLinearBetas(numTrainTimesteps, betaStart, betaEnd),
            SquaredCosCapV2 => Cosine(numTrainTimesteps, CosineMaxBeta),
            Sigmoid => SigmoidBetas(numTrainTimesteps, betaStart, betaEnd),
            _ => throw new DiffuseException(
                $"unknown beta_schedule '{name}' (expected {string.Join(", ", Names)})"),
        };
    }

    /// <summary>
    /// The cosine schedule's ᾱ(t) for t ∈ [0, 1] before normalisation: f(t) = cos²((t + s)/(1 + s)·π/2), s = 0.008
    /// (Nichol &amp; Dhariwal 2021, eq. 17).
    /// </summary>
    public static double CosineAlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);

    /// <summary>
    /// β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), maxBeta), computed in double and then rounded to float32, as diffusers'
    /// <c>betas_for_alpha_bar</c> does.
    /// </summary>
    public static Tensor Cosine(int numTrainTimesteps, double maxBeta)
    {
        var betas = new float[numTrainTimesteps];
        for (int i = 0; i < numTrainTimesteps; i++)
        {
            double t1 = (double)i / numTrainTimesteps;
            double t2 = (double)(i + 1) / numTrainTimesteps;
            betas[i] = (float)Math.Min(1 - CosineAlphaBar(t2) / CosineAlphaBar(t1), maxBeta);
        }
        return tensor(betas);
    }

    // Latent diffusion's schedule: linear in sqrt(β).
    static Tensor ScaledLinearBetas(int n, double betaStart, double betaEnd)
    {
        using var roots = linspace(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), n, dtype: float32);
        return roots.pow(2);
    }

    // GeoDiff's sigmoid schedule (Xu et al. 2022): sigmoid(linspace(−6, 6, T))·(β_end − β_start) + β_start.
    static Tensor SigmoidBetas(int n, double betaStart, double betaEnd)
    {
        using var x = linspace(-6, 6, n, dtype: float32);
        using var s = x.sigmoid();
        using var scaled = s.mul(betaEnd - betaStart);
        return scaled.add(betaStart);
    }
}
