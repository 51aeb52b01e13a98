using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level on the way up with text conditioning, as diffusers' <c>CrossAttnUpBlock2D</c>:
/// <c>layers_per_block + 1</c> ResNet blocks, each taking the previous output concatenated with one skip from the
/// down path (last in, first out) and followed by a cross-attending <see cref="Transformer2DModel"/>, then a 2x
/// upsampler unless it is the last level.
/// </summary>
public sealed class CrossAttnUpBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Transformer2DModel> attentions = new();
    private readonly ModuleList<Upsample2D> upsamplers = new();

    public CrossAttnUpBlock2D(int inChannels, int prevOutputChannels, int outChannels, int tembChannels, int numLayers,
                              int transformerLayers, int heads, int crossAttentionDim, bool addUpsample, UNet2DConditionConfig config)
        : base(nameof(CrossAttnUpBlock2D))
    {
        int groups = config.NormNumGroups!.Value;
        for (int i = 0; i < numLayers; i++)
        {
            // Channel bookkeeping as diffusers' CrossAttnUpBlock2D: the last resnet's skip comes from the level above.
            int skipChannels = i == numLayers - 1 ? inChannels : outChannels;
            int resnetIn = i == 0 ? prevOutputChannels : outChannels;
            resnets.Add(new ResnetBlock2D(resnetIn + skipChannels, outChannels, tembChannels, groups, config.NormEps, config.Dropout));
            attentions.Add(new Transformer2DModel(outChannels, heads, crossAttentionDim, transformerLayers, groups,
                                                  config.UseLinearProjection, config.UpcastAttention, config.Dropout));
        }
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels));
        RegisterComponents();
    }

    public int NumLayers => resnets.Count;

    /// <summary>
    /// Runs the level, consuming its skips from the end of <paramref name="skips"/>. <paramref name="upsampleSize"/>
    /// is the [H, W] to upsample to when it is not twice the input.
    /// </summary>
    public Tensor forward(Tensor x, Tensor temb, List<Tensor> skips, Tensor encoderHiddenStates, Tensor? encoderAttentionBias,
                          long[]? upsampleSize = null)
    {
        for (int i = 0; i < resnets.Count; i++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            x = resnets[i].forward(cat([x, skip], 1), temb);
            x = attentions[i].forward(x, encoderHiddenStates, encoderAttentionBias);
        }
        foreach (var up in upsamplers) x = up.forward(x, upsampleSize);
        return x;
    }
}
