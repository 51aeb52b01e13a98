namespace Diffuse.Evaluation;

/// <summary>How the last step of the reverse process, p_θ(x₀ | x₁), is read as a likelihood of the data.</summary>
public enum LikelihoodDecoder
{
    /// <summary>
    /// 8-bit images in [−1, 1]: the mass of the Gaussian on each pixel's level (Ho et al. 2020, eq. 13). A
    /// probability, so the bound is a true negative log-likelihood in bits and never negative.
    /// </summary>
    Discretized8Bit,

    /// <summary>
    /// Continuous data (the 2-D toy sets): the Gaussian density at x₀. A density, so the bound depends on the
    /// data's scale and its bits/dim can be negative; compare it only between models of the same data.
    /// </summary>
    ContinuousGaussian,
}
