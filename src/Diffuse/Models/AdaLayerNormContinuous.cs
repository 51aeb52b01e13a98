using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// diffusers' <c>AdaLayerNormContinuous</c> (elementwise_affine=False, layer norm): <c>linear</c>(SiLU(c)) gives scale and
/// shift (in that order), and x is layer-normed and modulated, x·(1 + scale) + shift. SD3's output norm and the context
/// norm of its last block.
/// </summary>
public sealed class AdaLayerNormContinuous : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly int _dim;
    private readonly double _eps;

    public AdaLayerNormContinuous(int dim, int conditioningDim, double eps) : base(nameof(AdaLayerNormContinuous))
    {
        _dim = dim;
        _eps = eps;
        linear = nn.Linear(conditioningDim, 2 * dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor conditioning)
    {
        using var scope = NewDisposeScope();
        var parts = linear.forward(nn.functional.silu(conditioning).to(x.dtype)).chunk(2, 1);
        var normed = nn.functional.layer_norm(x, [_dim], eps: _eps);
        return (normed * (1 + parts[0].unsqueeze(1)) + parts[1].unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
