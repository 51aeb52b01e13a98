namespace Diffuse.Evaluation;

/// <summary>
/// The variational bound of each image, split into its terms (Ho et al. 2020, eq. 5), in bits per dimension:
/// the prior term L_T, the sum of the transition terms L_{t−1} (t = 2..T) and the decoder term L₀. The total of
/// an image is exactly the sum of its three terms.
/// </summary>
public sealed record VariationalBoundTerms
{
    /// <summary>L_T = KL(q(x_T | x₀) ‖ N(0, I)), per image.</summary>
    public required double[] Prior { get; init; }

    /// <summary>Σ_{t=2..T} L_{t−1}, per image; an estimate from a sample of timesteps when <see cref="SampledTimesteps"/> is set.</summary>
    public required double[] Transitions { get; init; }

    /// <summary>L₀ = −log p_θ(x₀ | x₁), per image.</summary>
    public required double[] Decoder { get; init; }

    /// <summary>Null when every timestep was evaluated; else the K timesteps per image the transition sum was estimated from.</summary>
    public int? SampledTimesteps { get; init; }

    /// <summary>
    /// With every timestep evaluated, the mean over images of each term by 0-based timestep index i: entry 0 is the
    /// decoder L₀, entry i ≥ 1 is L_i = KL(q(x_i | x_{i+1}, x₀) ‖ p_θ(x_i | x_{i+1})) in the paper's 1-based x's. Null
    /// for an estimate.
    /// </summary>
    public double[]? ByTimestep { get; init; }

    public int Count => Prior.Length;

    public double[] Total => Enumerable.Range(0, Count).Select(i => Prior[i] + Transitions[i] + Decoder[i]).ToArray();
}
