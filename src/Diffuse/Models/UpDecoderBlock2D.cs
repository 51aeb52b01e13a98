using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// One resolution level of the VAE decoder (diffusers' <c>UpDecoderBlock2D</c>): <c>layers_per_block + 1</c> ResNet
/// blocks without time embedding and without skip connections, then a 2x upsampler unless it is the last level.
/// </summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets = new();
    private readonly ModuleList<Upsample2D> upsamplers = new();

    public UpDecoderBlock2D(int inChannels, int outChannels, int numLayers, int groups, double eps, bool addUpsample)
        : base(nameof(UpDecoderBlock2D))
    {
        for (int i = 0; i < numLayers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels: null, groups, eps));
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets) x = resnet.forward(x);
        foreach (var up in upsamplers) x = up.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
