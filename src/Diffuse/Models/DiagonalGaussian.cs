using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The VAE posterior q(z|x) = N(mean, diag(exp(logvar))) of Kingma and Welling 2014, as diffusers'
/// <c>DiagonalGaussianDistribution</c> reads it from the encoder's moments: the first half of the channels is the mean,
/// the second the log-variance, clamped to [-30, 20]; std = exp(logvar / 2). Owns its tensors; dispose it.
/// </summary>
public sealed class DiagonalGaussian : IDisposable
{
    public const double LogVarMin = -30.0;
    public const double LogVarMax = 20.0;

    /// <summary>Takes ownership of <paramref name="moments"/>, [batch, 2 × latent channels, height, width].</summary>
    public DiagonalGaussian(Tensor moments)
    {
        if (moments.dim() < 2 || moments.shape[1] % 2 != 0)
            throw new DiffuseArgumentException("moments", $"must have an even number of channels on axis 1 (got shape [{string.Join(", ", moments.shape)}])");
        Moments = moments;
        var halves = moments.chunk(2, 1);
        Mean = halves[0];
        LogVar = halves[1].clamp(LogVarMin, LogVarMax);
        halves[1].Dispose();
        using var half = LogVar * 0.5;
        Std = half.exp();
    }

    /// <summary>The encoder's output the distribution was read from (diffusers' <c>parameters</c>).</summary>
    public Tensor Moments { get; }

    public Tensor Mean { get; }

    public Tensor LogVar { get; }

    public Tensor Std { get; }

    /// <summary>
    /// mean + std · ε, ε drawn as diffusers' <c>randn_tensor</c> draws it: one <c>randn</c> of the mean's shape and dtype
    /// from <paramref name="generator"/> (on the generator's device, CPU for a CPU generator), then moved to the mean's device.
    /// </summary>
    public Tensor Sample(Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var device = generator?.device ?? Mean.device;
        var eps = randn(Mean.shape, dtype: Mean.dtype, device: device, generator: generator).to(Mean.device);
        return (Mean + Std * eps).MoveToOuterDisposeScope();
    }

    /// <summary>The most likely latent, the mean (a new handle to the same values).</summary>
    public Tensor Mode() => Mean.alias();

    public void Dispose()
    {
        Std.Dispose();
        LogVar.Dispose();
        Mean.Dispose();
        Moments.Dispose();
    }
}
