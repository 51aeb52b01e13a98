using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>The learned MLP on top of the sinusoidal embedding: linear_1 → SiLU → linear_2 (diffusers' keys).</summary>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public TimestepEmbedding(int inChannels, int embedDim) : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, embedDim);
        linear_2 = nn.Linear(embedDim, embedDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var h = nn.functional.silu(linear_1.forward(x));
        return linear_2.forward(h);
    }
}
