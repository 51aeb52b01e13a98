using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>diffusers' <c>GELU</c> activation layer: a linear <c>proj</c>, then GELU, exact ("gelu") or with the tanh approximation ("gelu-approximate", DiT and SD3).</summary>
public sealed class GELU : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;
    private readonly bool _tanh;

    public GELU(int dimIn, int dimOut, bool tanhApproximation = true) : base(nameof(GELU))
    {
        _tanh = tanhApproximation;
        proj = nn.Linear(dimIn, dimOut);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var h = proj.forward(x);
        return _tanh ? nn.functional.gelu(h, TorchSharp.Modules.GELU.Approximate.tanh) : nn.functional.gelu(h);
    }
}
