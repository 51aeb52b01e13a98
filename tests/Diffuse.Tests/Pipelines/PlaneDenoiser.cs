using Diffuse.Models;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// A denoiser under which DDIM is exactly invertible: for x = a·x₀ + b·e (x₀ ⟂ e) it reports the pair (x₀, e) in its
/// own parameterisation — ε = e, x̂₀ = x₀, or v = a·e − b·x₀ (a fixed linear function of x). Every DDIM step,
/// either way, then splits x into the same (x₀, e) and moves along x_t = sqrt(ᾱ_t)·x₀ + sqrt(1 − ᾱ_t)·e.
/// <paramref name="scale"/> may make e depend on the timestep the model is told and on the class label.
/// </summary>
public sealed class PlaneDenoiser(Tensor x0, Tensor e, PredictionType type, Func<double, long?, double>? scale = null) : IDenoiser
{
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        using var scope = NewDisposeScope();
        double t = timesteps.to(float64).flatten()[0].item<double>();
        var batch = sample.shape[0];
        var factors = Enumerable.Range(0, (int)batch)
            .Select(i => (float)(scale?.Invoke(t, conditioning?.ClassLabels?[i].item<long>()) ?? 1.0)).ToArray();
        var noise = e.unsqueeze(0) * tensor(factors).reshape(batch, 1, 1, 1);
        var output = type switch
        {
            PredictionType.Epsilon => noise,
            PredictionType.Sample => x0.unsqueeze(0).expand_as(sample),
            PredictionType.VPrediction => Coordinate(sample, x0) * e.unsqueeze(0) - Coordinate(sample, e) * x0.unsqueeze(0),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        return output.contiguous().MoveToOuterDisposeScope();
    }

    // ⟨x, u⟩/|u|² per batch item, shaped [B, 1, 1, 1].
    static Tensor Coordinate(Tensor sample, Tensor u) =>
        ((sample * u.unsqueeze(0)).sum([1, 2, 3]) / u.square().sum()).reshape(-1, 1, 1, 1);
}
