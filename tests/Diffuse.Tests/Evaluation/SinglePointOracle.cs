using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

/// <summary>
/// The exact ε-prediction when the data set is one point x*: ε*(x_t, t) = (x_t − √ᾱ_t·x*)/√(1 − ᾱ_t), one timestep
/// per batch item, computed in float64 from the ᾱ given (the test's own cumulative product of the betas).
/// </summary>
public sealed class SinglePointOracle(Tensor point, double[] alphasCumprod) : IDenoiser
{
    public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null)
    {
        using var scope = NewDisposeScope();
        var t = timesteps.to(int64).flatten().expand(sample.shape[0]);
        var alphaProd = tensor(alphasCumprod).index_select(0, t).reshape([sample.shape[0], .. Enumerable.Repeat(1L, (int)sample.dim() - 1)]);
        var epsilon = (sample.to(float64) - alphaProd.sqrt() * point.to(float64)) / (1 - alphaProd).sqrt();
        return epsilon.to(sample.dtype).MoveToOuterDisposeScope();
    }
}
