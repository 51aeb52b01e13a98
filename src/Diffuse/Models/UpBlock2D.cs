using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level on the way up: <c>layers_per_block + 1</c> ResNet blocks, each taking the
/// previous output concatenated with one skip from the down path (last in, first out), optional
/// self-attention (<c>AttnUpBlock2D</c>), then a 2x upsampler unless it is the last level.
/// </summary>
public sealed class UpBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<SpatialSelfAttention> attentions = new();
    private readonly ModuleList<Upsample2D> upsamplers = new();

    public UpBlock2D(int inChannels, int prevOutputChannels, int outChannels, int tembChannels, int numLayers,
                     bool withAttention, bool addUpsample, UNet2DConfig config)
        : this(inChannels, prevOutputChannels, outChannels, tembChannels, numLayers, addUpsample,
               config.NormNumGroups, config.NormEps, config.Dropout,
               withAttention ? () => new SpatialSelfAttention(outChannels, config.AttentionHeadDim ?? outChannels,
                                                              config.NormNumGroups, config.NormEps) : null)
    {
    }

    /// <summary>A level of ResNet blocks only, as <c>UNet2DConditionModel</c> builds its <c>UpBlock2D</c>.</summary>
    public UpBlock2D(int inChannels, int prevOutputChannels, int outChannels, int tembChannels, int numLayers,
                     bool addUpsample, int groups, double eps, double dropout)
        : this(inChannels, prevOutputChannels, outChannels, tembChannels, numLayers, addUpsample, groups, eps, dropout, null)
    {
    }

    private UpBlock2D(int inChannels, int prevOutputChannels, int outChannels, int tembChannels, int numLayers,
                      bool addUpsample, int groups, double eps, double dropout, Func<SpatialSelfAttention>? attention)
        : base(nameof(UpBlock2D))
    {
        for (int i = 0; i < numLayers; i++)
        {
            // Channel bookkeeping as diffusers' UpBlock2D: the last resnet's skip comes from the level above.
            int skipChannels = i == numLayers - 1 ? inChannels : outChannels;
            int resnetIn = i == 0 ? prevOutputChannels : outChannels;
            resnets.Add(new ResnetBlock2D(resnetIn + skipChannels, outChannels, tembChannels, groups, eps, dropout));
            if (attention is not null) attentions.Add(attention());
        }
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels));
        RegisterComponents();
    }

    public int NumLayers => resnets.Count;

    /// <summary>
    /// Runs the level, consuming its skips from the end of <paramref name="skips"/>. <paramref name="upsampleSize"/>
    /// is the [H, W] to upsample to when it is not twice the input (an odd size on the way down).
    /// </summary>
    public Tensor forward(Tensor x, Tensor temb, List<Tensor> skips, long[]? upsampleSize = null)
    {
        for (int i = 0; i < resnets.Count; i++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            x = resnets[i].forward(cat([x, skip], 1), temb);
            if (attentions.Count > 0) x = attentions[i].forward(x);
        }
        foreach (var up in upsamplers) x = up.forward(x, upsampleSize);
        return x;
    }
}
