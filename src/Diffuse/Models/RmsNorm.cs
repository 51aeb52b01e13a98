using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// Root-mean-square layer normalisation (Zhang &amp; Sennrich 2019) as diffusers' <c>RMSNorm</c>: x / sqrt(mean(x²) + ε)
/// over the last dimension, the mean taken in float32, times a learned <c>weight</c> (SD3.5's <c>qk_norm="rms_norm"</c>).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(int dim, double eps) : base(nameof(RmsNorm))
    {
        _eps = eps;
        weight = nn.Parameter(ones(dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var variance = x.to(float32).pow(2).mean([-1], keepdim: true);
        var normed = x * rsqrt(variance + _eps);
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16) normed = normed.to(weight.dtype);
        return (normed * weight).MoveToOuterDisposeScope();
    }
}
