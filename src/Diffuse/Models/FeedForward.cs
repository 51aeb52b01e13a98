using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The transformer block's feed-forward network as diffusers' <c>FeedForward</c> with <c>activation_fn="geglu"</c>:
/// <c>net.0</c> GEGLU to 4 × dim, <c>net.1</c> dropout, <c>net.2</c> linear back to dim.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(int dim, double dropout = 0.0, int mult = 4) : base(nameof(FeedForward))
    {
        int inner = dim * mult;
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(new GEGLU(dim, inner), nn.Dropout(dropout), nn.Linear(inner, dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in net) x = layer.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
