using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// Rectified-flow training (Liu et al. 2022; Esser et al. 2024, §2–3) as diffusers' <c>training_utils</c> and
/// <c>train_dreambooth_sd3.py</c> (v0.31) do it: draw u from a timestep density, take the training σ (and t = 1000·σ) at
/// index ⌊u·N⌋ of the shifted schedule, x_σ = (1 − σ)·x₀ + σ·ε, and regress the network's output on the velocity
/// ε − x₀, or with <c>precondition_outputs</c> its x̂₀ = x_σ − σ·v on x₀, under a per-σ loss weight.
/// </summary>
public static class FlowMatchingObjective
{
    public const string LogitNormal = "logit_normal";
    public const string Mode = "mode";
    public const string CosMap = "cosmap";
    public const string SigmaSqrt = "sigma_sqrt";
    public const string None = "none";

    /// <summary>diffusers' <c>weighting_scheme</c> choices: each names a density of u and a loss weight.</summary>
    public static IReadOnlyList<string> Schemes { get; } = [LogitNormal, Mode, CosMap, SigmaSqrt, None];

    /// <summary>
    /// diffusers' <c>compute_density_for_timestep_sampling</c>: u ~ sigmoid(N(m, s)) for logit_normal (SD3 paper §3.1,
    /// "rf/lognorm"); the mode-seeking density 1 − u − scale·(cos²(πu/2) − 1 + u) of u ~ U(0, 1) for mode (§3.1, eq. 20);
    /// u ~ U(0, 1) otherwise (cosmap's σ is matched by its weight). One draw of <paramref name="batch"/> from the generator.
    /// </summary>
    public static Tensor SampleU(string scheme, int batch, Generator? generator, double logitMean = 0, double logitStd = 1, double modeScale = 1.29)
    {
        using var scope = NewDisposeScope();
        Tensor u = scheme switch
        {
            LogitNormal => sigmoid(randn([batch], generator: generator) * logitStd + logitMean),
            Mode => ModeDensity(rand([batch], generator: generator), modeScale),
            _ when Schemes.Contains(scheme) => rand([batch], generator: generator),
            _ => throw new DiffuseArgumentException("weighting_scheme", $"'{scheme}' is unknown (expected {string.Join(", ", Schemes)})"),
        };
        return u.MoveToOuterDisposeScope();
    }

    /// <summary>The mode density's map of a uniform draw.</summary>
    public static Tensor ModeDensity(Tensor u, double modeScale) => 1 - u - modeScale * (cos(Math.PI * u / 2).pow(2) - 1 + u);

    /// <summary>Index ⌊u·N⌋ into the training schedule, kept inside it (the mode density can leave [0, 1)).</summary>
    public static Tensor Indices(Tensor u, int numTrainTimesteps) => (u * numTrainTimesteps).to(int64).clamp(0, numTrainTimesteps - 1);

    /// <summary>diffusers' <c>compute_loss_weighting_for_sd3</c>: σ⁻² for sigma_sqrt, 2/(π(1 − 2σ + 2σ²)) for cosmap, 1 otherwise.</summary>
    public static Tensor LossWeighting(string scheme, Tensor sigmas) => scheme switch
    {
        SigmaSqrt => sigmas.pow(-2.0).to(float32),
        CosMap => 2 / (Math.PI * (1 - 2 * sigmas + 2 * sigmas.pow(2))),
        _ => ones_like(sigmas),
    };

    /// <summary>x_σ = (1 − σ)·x₀ + σ·ε, σ one per sample.</summary>
    public static Tensor NoisyInput(Tensor x0, Tensor noise, Tensor sigmas)
    {
        using var scope = NewDisposeScope();
        var s = PerSample(sigmas, x0);
        return ((1.0 - s) * x0 + s * noise).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// mean over the batch of mean((w·(pred − target))²... as train_dreambooth_sd3.py: mean_b(mean_i(w_b·(pred − target)²)),
    /// target ε − x₀; with <paramref name="precondition"/> pred becomes x_σ − σ·pred and the target x₀.
    /// </summary>
    public static Tensor Loss(Tensor prediction, Tensor x0, Tensor noise, Tensor noisyInput, Tensor sigmas, Tensor weighting, bool precondition)
    {
        using var scope = NewDisposeScope();
        var s = PerSample(sigmas, x0);
        var (pred, target) = precondition ? (prediction * (-s) + noisyInput, x0) : (prediction, noise - x0);
        var w = PerSample(weighting, x0);
        long batch = x0.shape[0];
        var perExample = (w * (pred.to(float32) - target).square()).reshape(batch, -1).mean([1]);
        return perExample.mean().MoveToOuterDisposeScope();
    }

    /// <summary>σ's training values at <paramref name="indices"/>, and the timesteps t = σ·N the network sees.</summary>
    public static (Tensor Sigmas, Tensor Timesteps) At(float[] trainingSigmas, int numTrainTimesteps, Tensor indices)
    {
        var index = indices.data<long>().ToArray();
        var sigmas = index.Select(i => trainingSigmas[i]).ToArray();
        return (tensor(sigmas), tensor(FlowMatchSigmas.Timesteps(sigmas, numTrainTimesteps)));
    }

    static Tensor PerSample(Tensor values, Tensor like) => values.to(like.device).to(like.dtype).reshape([like.shape[0], .. Enumerable.Repeat(1L, (int)like.dim() - 1)]);
}
