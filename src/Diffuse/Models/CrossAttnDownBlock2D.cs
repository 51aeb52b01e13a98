using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level on the way down with text conditioning, as diffusers' <c>CrossAttnDownBlock2D</c>:
/// <c>layers_per_block</c> ResNet blocks, each followed by a <see cref="Transformer2DModel"/> that cross-attends
/// to the text encoder's states, then a stride-2 downsampler unless it is the last level. Every intermediate
/// output is kept for the skip connections of the up path.
/// </summary>
public sealed class CrossAttnDownBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Transformer2DModel> attentions = new();
    private readonly ModuleList<Downsample2D> downsamplers = new();

    public CrossAttnDownBlock2D(int inChannels, int outChannels, int tembChannels, int numLayers, int transformerLayers,
                                int heads, int crossAttentionDim, bool addDownsample, UNet2DConditionConfig config)
        : base(nameof(CrossAttnDownBlock2D))
    {
        int groups = config.NormNumGroups!.Value;
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, groups, config.NormEps, config.Dropout));
            attentions.Add(new Transformer2DModel(outChannels, heads, crossAttentionDim, transformerLayers, groups,
                                                  config.UseLinearProjection, config.UpcastAttention, config.Dropout));
        }
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, config.DownsamplePadding));
        RegisterComponents();
    }

    /// <summary>Runs the level; appends each output that the up path will concatenate to <paramref name="skips"/>.</summary>
    public Tensor forward(Tensor x, Tensor temb, List<Tensor> skips, Tensor encoderHiddenStates, Tensor? encoderAttentionBias)
    {
        for (int i = 0; i < resnets.Count; i++)
        {
            x = resnets[i].forward(x, temb);
            x = attentions[i].forward(x, encoderHiddenStates, encoderAttentionBias);
            skips.Add(x);
        }
        foreach (var down in downsamplers)
        {
            x = down.forward(x);
            skips.Add(x);
        }
        return x;
    }
}
