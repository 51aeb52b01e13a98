using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The residual block of Ho et al. 2020 (Wide-ResNet style with GroupNorm and SiLU): the time embedding
/// is projected and added after the first convolution ("default" time scale shift), a 1x1 convolution
/// matches channels on the skip path, and the sum is divided by <c>output_scale_factor</c>.
/// Built without time embedding channels (diffusers' <c>temb_channels=None</c>, as in the VAE), the block
/// has no <c>time_emb_proj</c> and is called with <see cref="forward(Tensor)"/>.
/// </summary>
public sealed class ResnetBlock2D : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Dropout dropout;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;
    private readonly double _outputScaleFactor;

    public ResnetBlock2D(int inChannels, int outChannels, int? tembChannels, int groups, double eps,
                         double dropoutRate = 0.0, double outputScaleFactor = 1.0) : base(nameof(ResnetBlock2D))
    {
        norm1 = Normalization.GroupNorm(groups, inChannels, eps);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        if (tembChannels is int temb) time_emb_proj = nn.Linear(temb, outChannels);
        norm2 = Normalization.GroupNorm(groups, outChannels, eps);
        dropout = nn.Dropout(dropoutRate);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) conv_shortcut = nn.Conv2d(inChannels, outChannels, 1);
        _outputScaleFactor = outputScaleFactor;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor temb) => Forward(x, temb);

    /// <summary>The block without a time embedding; only for blocks built without <c>temb_channels</c>.</summary>
    public Tensor forward(Tensor x) => Forward(x, null);

    private Tensor Forward(Tensor x, Tensor? temb)
    {
        if ((temb is null) != (time_emb_proj is null))
            throw new DiffuseArgumentException("temb", time_emb_proj is null
                ? "must not be given: this block was built without time embedding channels"
                : "is required: this block projects a time embedding");
        using var scope = NewDisposeScope();
        // The additions write into the convolutions' fresh outputs, which nothing else holds (a
        // convolution's backward needs its input, not its output): the same sums without two
        // activation-sized allocations. SiLU overwrites the norm's output only without autograd,
        // where nothing needs the pre-activation for a backward pass.
        bool inplace = !is_grad_enabled();
        var h = conv1.forward(nn.functional.silu(norm1.forward(x), inplace));
        if (time_emb_proj is not null && temb is not null)
        {
            var t = time_emb_proj.forward(nn.functional.silu(temb));
            h.add_(t.unsqueeze(-1).unsqueeze(-1));
        }
        h = conv2.forward(dropout.forward(nn.functional.silu(norm2.forward(h), inplace)));
        var skip = conv_shortcut is null ? x : conv_shortcut.forward(x);
        var y = h.add_(skip);
        if (_outputScaleFactor != 1.0) y.div_(_outputScaleFactor);
        return y.MoveToOuterDisposeScope();
    }
}
