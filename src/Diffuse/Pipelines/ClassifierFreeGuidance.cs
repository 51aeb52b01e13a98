using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Classifier-free guidance (Ho &amp; Salimans 2022, eq. 6) in diffusers' convention, as a denoiser the unchanged
/// sampling loop can call: ε̂ = ε(x, ∅) + s·(ε(x, c) − ε(x, ∅)) with s = <c>guidance_scale</c>. s = 1 is the plain
/// conditional model and runs one pass; otherwise the conditional and unconditional passes run as one batch of twice
/// the size. Any conditioning works: guidance only concatenates the two records.
/// </summary>
public sealed class ClassifierFreeGuidance : IDenoiser
{
    private readonly IDenoiser _model;
    private readonly Conditioning _conditional;
    private readonly Conditioning _both;

    public double GuidanceScale { get; }

    /// <summary>
    /// φ of Lin et al. 2023 ("Common Diffusion Noise Schedules and Sample Steps are Flawed", §3.4, eq. 15-16): the
    /// guided ε̂ rescaled to the standard deviation of the conditional one, mixed back in with weight φ (diffusers'
    /// <c>guidance_rescale</c>, 0: off).
    /// </summary>
    public double GuidanceRescale { get; }

    /// <summary>True when the unconditional pass is used (s ≠ 1).</summary>
    public bool IsGuided => GuidanceScale != 1;

    /// <param name="conditional">c, one entry per sample.</param>
    /// <param name="unconditional">∅, the same fields (the null class, the empty prompt's states, ...).</param>
    /// <param name="guidanceScale">s ≥ 0; 1 is no guidance.</param>
    public ClassifierFreeGuidance(IDenoiser model, Conditioning conditional, Conditioning unconditional, double guidanceScale,
                                  double guidanceRescale = 0)
    {
        GuidanceChecks.Scale(guidanceScale);
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1))
            throw new DiffuseArgumentException("guidance_rescale", $"must lie in [0, 1] (got {guidanceRescale})");
        GuidanceRescale = guidanceRescale;
        _model = model;
        _conditional = conditional;
        GuidanceScale = guidanceScale;
        _both = IsGuided ? conditional.Concat(unconditional) : conditional;
    }

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        if (!IsGuided) return _model.Predict(sample, timesteps, _conditional);
        using var scope = NewDisposeScope();
        var t = timesteps.numel() == 1 ? timesteps : cat([timesteps, timesteps]);
        var output = _model.Predict(cat([sample, sample]), t, _both);
        var halves = output.chunk(2);
        var (conditional, unconditional) = (halves[0], halves[1]);
        var guided = unconditional + GuidanceScale * (conditional - unconditional);
        if (GuidanceRescale > 0) guided = Rescaled(guided, conditional);
        return guided.MoveToOuterDisposeScope();
    }

    /// <summary>diffusers' <c>rescale_noise_cfg</c>: standard deviations over every dimension but the batch, unbiased.</summary>
    Tensor Rescaled(Tensor guided, Tensor conditional)
    {
        var dims = Enumerable.Range(1, (int)guided.dim() - 1).Select(d => (long)d).ToArray();
        var stdConditional = conditional.std(dims, unbiased: true, keepdim: true);
        var stdGuided = guided.std(dims, unbiased: true, keepdim: true);
        var rescaled = guided * (stdConditional / stdGuided);
        return GuidanceRescale * rescaled + (1 - GuidanceRescale) * guided;
    }
}
