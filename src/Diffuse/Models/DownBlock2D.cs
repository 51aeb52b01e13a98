using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level on the way down: <c>layers_per_block</c> ResNet blocks, each followed by
/// self-attention when the block is an <c>AttnDownBlock2D</c>, then a stride-2 downsampler unless it
/// is the last level. Every intermediate output is kept for the skip connections of the up path.
/// </summary>
public sealed class DownBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<SpatialSelfAttention> attentions = new();
    private readonly ModuleList<Downsample2D> downsamplers = new();

    public DownBlock2D(int inChannels, int outChannels, int tembChannels, int numLayers, bool withAttention,
                       bool addDownsample, UNet2DConfig config)
        : this(inChannels, outChannels, tembChannels, numLayers, addDownsample, config.NormNumGroups, config.NormEps,
               config.Dropout, config.DownsamplePadding,
               withAttention ? () => new SpatialSelfAttention(outChannels, config.AttentionHeadDim ?? outChannels,
                                                              config.NormNumGroups, config.NormEps) : null)
    {
    }

    /// <summary>A level of ResNet blocks only, as <c>UNet2DConditionModel</c> builds its <c>DownBlock2D</c>.</summary>
    public DownBlock2D(int inChannels, int outChannels, int tembChannels, int numLayers, bool addDownsample,
                       int groups, double eps, double dropout, int downsamplePadding)
        : this(inChannels, outChannels, tembChannels, numLayers, addDownsample, groups, eps, dropout, downsamplePadding, null)
    {
    }

    private DownBlock2D(int inChannels, int outChannels, int tembChannels, int numLayers, bool addDownsample,
                        int groups, double eps, double dropout, int downsamplePadding, Func<SpatialSelfAttention>? attention)
        : base(nameof(DownBlock2D))
    {
        for (int i = 0; i < numLayers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, groups, eps, dropout));
            if (attention is not null) attentions.Add(attention());
        }
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, downsamplePadding));
        RegisterComponents();
    }

    /// <summary>Runs the level; appends each output that the up path will concatenate to <paramref name="skips"/>.</summary>
    public Tensor forward(Tensor x, Tensor temb, List<Tensor> skips)
    {
        for (int i = 0; i < resnets.Count; i++)
        {
            x = resnets[i].forward(x, temb);
            if (attentions.Count > 0) x = attentions[i].forward(x);
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
