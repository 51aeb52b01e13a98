using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The bottleneck: ResNet block, self-attention (when <c>add_attention</c>), ResNet block. The UNet's carries a
/// time embedding; the VAE's encoder and decoder build it without one (diffusers' <c>temb_channels=None</c>).
/// </summary>
public sealed class UNetMidBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<SpatialSelfAttention> attentions = new();

    public UNetMidBlock2D(int channels, int tembChannels, UNet2DConfig config)
        : this(channels, tembChannels, config.NormNumGroups, config.NormEps, config.Dropout, config.MidBlockScaleFactor,
               config.AddAttention, config.AttentionHeadDim, config.AttnNormNumGroups)
    {
    }

    /// <summary>
    /// diffusers' <c>UNetMidBlock2D</c> arguments: one attention head of <paramref name="attentionHeadDim"/> channels per
    /// head (all channels when null), its GroupNorm over <paramref name="attnGroups"/> groups (the ResNets' when null).
    /// </summary>
    public UNetMidBlock2D(int channels, int? tembChannels, int groups, double eps, double dropout = 0.0, double outputScaleFactor = 1.0,
                          bool addAttention = true, int? attentionHeadDim = null, int? attnGroups = null)
        : base(nameof(UNetMidBlock2D))
    {
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, groups, eps, dropout, outputScaleFactor));
        if (addAttention)
            attentions.Add(new SpatialSelfAttention(channels, attentionHeadDim ?? channels, attnGroups ?? groups, eps, outputScaleFactor));
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, groups, eps, dropout, outputScaleFactor));
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor temb)
    {
        x = resnets[0].forward(x, temb);
        if (attentions.Count > 0) x = attentions[0].forward(x);
        return resnets[1].forward(x, temb);
    }

    /// <summary>The block without a time embedding (built with <c>tembChannels</c> null).</summary>
    public Tensor forward(Tensor x)
    {
        x = resnets[0].forward(x);
        if (attentions.Count > 0) x = attentions[0].forward(x);
        return resnets[1].forward(x);
    }
}
