using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The transformer block's feed-forward network as diffusers' <c>FeedForward</c>: <c>net.0</c> the activation layer to
/// 4 × dim (GEGLU for <c>activation_fn="geglu"</c>, Stable Diffusion; a linear layer and tanh-approximate GELU for
/// <c>"gelu-approximate"</c>, DiT and SD3), <c>net.1</c> dropout, <c>net.2</c> linear back to dim.
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public const string Geglu = "geglu";
    public const string GeluApproximate = "gelu-approximate";
    public const string Gelu = "gelu";

    public FeedForward(int dim, double dropout = 0.0, int mult = 4, string activation = Geglu) : base(nameof(FeedForward))
    {
        int inner = dim * mult;
        nn.Module<Tensor, Tensor> first = activation switch
        {
            Geglu => new GEGLU(dim, inner),
            GeluApproximate => new GELU(dim, inner),
            Gelu => new GELU(dim, inner, tanhApproximation: false),
            _ => throw new DiffuseException($"activation_fn '{activation}' is not supported (supported: {Geglu}, {GeluApproximate}, {Gelu})"),
        };
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(first, nn.Dropout(dropout), nn.Linear(inner, dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in net) x = layer.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
