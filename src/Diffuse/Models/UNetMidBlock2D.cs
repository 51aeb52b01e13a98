using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>The bottleneck: ResNet block, self-attention (when <c>add_attention</c>), ResNet block.</summary>
public sealed class UNetMidBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<SpatialSelfAttention> attentions = new();

    public UNetMidBlock2D(int channels, int tembChannels, UNet2DConfig config) : base(nameof(UNetMidBlock2D))
    {
        double scale = config.MidBlockScaleFactor;
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, config.NormNumGroups, config.NormEps, config.Dropout, scale));
        if (config.AddAttention)
            attentions.Add(new SpatialSelfAttention(channels, config.AttentionHeadDim ?? channels,
                                                    config.AttnNormNumGroups ?? config.NormNumGroups, config.NormEps, scale));
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, config.NormNumGroups, config.NormEps, config.Dropout, scale));
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor temb)
    {
        x = resnets[0].forward(x, temb);
        if (attentions.Count > 0) x = attentions[0].forward(x);
        return resnets[1].forward(x, temb);
    }
}
