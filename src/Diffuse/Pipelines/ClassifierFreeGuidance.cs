using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// Classifier-free guidance (Ho &amp; Salimans 2022, eq. 6) as a denoiser the unchanged sampling loop can
/// call: ε̃ = (1 + w)·ε(x, c) − w·ε(x, ∅). The conditional and unconditional passes run as one batch of
/// twice the size. w = 0 is the plain conditional model; diffusers' <c>guidance_scale</c> is 1 + w.
/// </summary>
public sealed class ClassifierFreeGuidance : IDenoiser
{
    private readonly IDenoiser _model;
    private readonly Tensor _labels;
    private readonly Tensor _both;
    private readonly double _weight;

    /// <param name="labels">one class per sample, int64 [B]</param>
    /// <param name="nullClass">the class index the model was trained to read as "no class"</param>
    /// <param name="weight">guidance weight w ≥ 0</param>
    public ClassifierFreeGuidance(IDenoiser model, Tensor labels, int nullClass, double weight)
    {
        if (!(weight >= 0)) throw new DiffuseException($"guidance weight must be 0 or more (got {weight})");
        _model = model;
        _labels = labels;
        _both = cat([labels, full_like(labels, nullClass)]);
        _weight = weight;
    }

    public Tensor Predict(Tensor sample, Tensor timesteps, Tensor? classLabels = null)
    {
        if (_weight == 0) return _model.Predict(sample, timesteps, _labels);
        using var scope = NewDisposeScope();
        var t = timesteps.numel() == 1 ? timesteps : cat([timesteps, timesteps]);
        var output = _model.Predict(cat([sample, sample]), t, _both);
        var halves = output.chunk(2);
        var (conditional, unconditional) = (halves[0], halves[1]);
        return (conditional + _weight * (conditional - unconditional)).MoveToOuterDisposeScope();
    }
}
