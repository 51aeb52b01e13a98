using Diffuse.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Bench.Before;

/// <summary>
/// ResnetBlock2D as it was before the in-place additions (every sum a new tensor, SiLU out of place),
/// with the same state-dict keys, kept only so <c>compare</c> can time old against new on the same weights.
/// </summary>
public sealed class ResnetBlock2DBefore : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Dropout dropout;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;

    public ResnetBlock2DBefore(int inChannels, int outChannels, int tembChannels, int groups, double eps) : base(nameof(ResnetBlock2DBefore))
    {
        norm1 = Normalization.GroupNorm(groups, inChannels, eps);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        time_emb_proj = nn.Linear(tembChannels, outChannels);
        norm2 = Normalization.GroupNorm(groups, outChannels, eps);
        dropout = nn.Dropout(0.0);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) conv_shortcut = nn.Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        var t = time_emb_proj.forward(nn.functional.silu(temb));
        h = h + t.unsqueeze(-1).unsqueeze(-1);
        h = conv2.forward(dropout.forward(nn.functional.silu(norm2.forward(h))));
        var skip = conv_shortcut is null ? x : conv_shortcut.forward(x);
        return (skip + h).MoveToOuterDisposeScope();
    }
}
