using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The bottleneck of Stable Diffusion's UNet as diffusers' <c>UNetMidBlock2DCrossAttn</c> (one layer): ResNet block,
/// cross-attending <see cref="Transformer2DModel"/>, ResNet block; the ResNets divide by <c>mid_block_scale_factor</c>.
/// </summary>
public sealed class UNetMidBlock2DCrossAttn : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Transformer2DModel> attentions = new();

    public UNetMidBlock2DCrossAttn(int channels, int tembChannels, int transformerLayers, int heads, int crossAttentionDim,
                                   UNet2DConditionConfig config) : base(nameof(UNetMidBlock2DCrossAttn))
    {
        int groups = config.NormNumGroups!.Value;
        double scale = config.MidBlockScaleFactor;
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, groups, config.NormEps, config.Dropout, scale));
        attentions.Add(new Transformer2DModel(channels, heads, crossAttentionDim, transformerLayers, groups,
                                              config.UseLinearProjection, config.UpcastAttention, config.Dropout));
        resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, groups, config.NormEps, config.Dropout, scale));
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor temb, Tensor encoderHiddenStates, Tensor? encoderAttentionBias)
    {
        x = resnets[0].forward(x, temb);
        x = attentions[0].forward(x, encoderHiddenStates, encoderAttentionBias);
        return resnets[1].forward(x, temb);
    }
}
