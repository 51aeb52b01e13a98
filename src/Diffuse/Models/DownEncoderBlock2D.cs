using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level of the VAE encoder (diffusers' <c>DownEncoderBlock2D</c>): <c>layers_per_block</c> ResNet
/// blocks without time embedding, then a stride-2 downsampler unless it is the last level. No skips are kept.
/// </summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Downsample2D> downsamplers = new();

    public DownEncoderBlock2D(int inChannels, int outChannels, int numLayers, int groups, double eps,
                              bool addDownsample, int downsamplePadding) : base(nameof(DownEncoderBlock2D))
    {
        for (int i = 0; i < numLayers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels: null, groups, eps));
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, downsamplePadding));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets) x = resnet.forward(x);
        foreach (var down in downsamplers) x = down.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
