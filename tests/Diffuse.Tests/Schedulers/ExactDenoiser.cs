using Diffuse.Models;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

/// <summary>
/// The ideal ε-prediction when the data is a single point x*: ε = (x_t − sqrt(ᾱ_t)·x*)/sqrt(1 − ᾱ_t). ᾱ at a
/// possibly fractional timestep is 1/(1 + σ²) with σ interpolated as the σ-based schedulers do, so every sampler
/// sees one consistent denoiser.
/// </summary>
public sealed class ExactDenoiser(float[] target, NoiseSchedule schedule) : IDenoiser
{
    readonly float[] trainingSigmas = DiscreteSigmas.Training(schedule, rescaledToZeroSnr: false);

    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        double t = timesteps.to(float64).flatten()[0].item<double>();
        double sigma = DiscreteSigmas.Interpolate([t], trainingSigmas)[0];
        double alphaProd = 1 / (1 + sigma * sigma);
        using var scope = NewDisposeScope();
        var x0 = tensor(target).unsqueeze(0);
        var epsilon = (sample.to(float64) - Math.Sqrt(alphaProd) * x0) / Math.Sqrt(1 - alphaProd);
        return epsilon.to(sample.dtype).MoveToOuterDisposeScope();
    }
}
