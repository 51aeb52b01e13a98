using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The gated GELU of Shazeer 2020 ("GLU Variants Improve Transformer", eq. 5), as diffusers' <c>GEGLU</c>: one
/// projection <c>proj</c> to twice the width, split in half, x · GELU(gate) with the exact (erf) GELU.
/// </summary>
public sealed class GEGLU : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    public GEGLU(int dimIn, int dimOut) : base(nameof(GEGLU))
    {
        proj = nn.Linear(dimIn, dimOut * 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var halves = proj.forward(x).chunk(2, -1);
        return (halves[0] * nn.functional.gelu(halves[1])).MoveToOuterDisposeScope();
    }
}
