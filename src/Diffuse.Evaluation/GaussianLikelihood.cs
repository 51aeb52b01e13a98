using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The three densities the variational bound of a DDPM is made of (Ho et al. 2020, eq. 5), element by element
/// and in nats: the KL divergence between two diagonal Gaussians, the discretised Gaussian decoder of 8-bit
/// images (eq. 13) and the plain Gaussian log density for continuous data. Arguments broadcast; compute them in
/// float64, as the reference implementations do, because the terms of a 1000-step bound are small differences.
/// </summary>
public static class GaussianLikelihood
{
    /// <summary>Half the width of one 8-bit level once [0, 255] is mapped to [−1, 1].</summary>
    public const double HalfBin = 1.0 / 255.0;

    /// <summary>Probabilities are floored here before the log, as improved-diffusion does, so a pixel far in a tail costs about 27.6 nats, not ∞.</summary>
    public const double MinProbability = 1e-12;

    /// <summary>
    /// KL(N(μ₁, e^{logvar₁}) ‖ N(μ₂, e^{logvar₂})) = ½(−1 + logvar₂ − logvar₁ + e^{logvar₁ − logvar₂} + (μ₁ − μ₂)² e^{−logvar₂}),
    /// per element.
    /// </summary>
    public static Tensor NormalKl(Tensor mean1, Tensor logVariance1, Tensor mean2, Tensor logVariance2)
    {
        using var scope = NewDisposeScope();
        var kl = 0.5 * (-1.0 + logVariance2 - logVariance1 + (logVariance1 - logVariance2).exp()
                        + (mean1 - mean2).square() * (-logVariance2).exp());
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x) of the discretised Gaussian decoder of Ho et al. 2020, eq. 13: the mass N(μ, σ²) puts on the 8-bit
    /// level of x, [x − 1/255, x + 1/255], with the first and last levels extended to −∞ and +∞. x must lie on the
    /// grid 2k/255 − 1. Φ is the exact normal CDF (improved-diffusion uses a tanh approximation of it; the two
    /// differ by well under 0.01 bits/dim).
    /// </summary>
    /// <param name="logScales">log σ (not log σ²).</param>
    public static Tensor DiscretizedLogLikelihood(Tensor x, Tensor means, Tensor logScales)
    {
        using var scope = NewDisposeScope();
        var centred = x - means;
        var inverseScale = (-logScales).exp();
        var cdfPlus = special.ndtr(inverseScale * (centred + HalfBin));
        var cdfMin = special.ndtr(inverseScale * (centred - HalfBin));
        var logCdfPlus = cdfPlus.clamp_min(MinProbability).log();
        var logOneMinusCdfMin = (1.0 - cdfMin).clamp_min(MinProbability).log();
        var logBin = (cdfPlus - cdfMin).clamp_min(MinProbability).log();
        // The thresholds sit between the first two and the last two levels, so rounding in x does not matter.
        var logProbability = where(x.lt(-0.999), logCdfPlus, where(x.gt(0.999), logOneMinusCdfMin, logBin));
        return logProbability.MoveToOuterDisposeScope();
    }

    /// <summary>log N(x; μ, σ²) = −½ log 2π − log σ − (x − μ)²/(2σ²), a density: positive where σ is small.</summary>
    /// <param name="logScales">log σ (not log σ²).</param>
    public static Tensor ContinuousLogLikelihood(Tensor x, Tensor means, Tensor logScales)
    {
        using var scope = NewDisposeScope();
        var z = (x - means) * (-logScales).exp();
        var logDensity = -0.5 * Math.Log(2 * Math.PI) - logScales - 0.5 * z.square();
        return logDensity.MoveToOuterDisposeScope();
    }
}
