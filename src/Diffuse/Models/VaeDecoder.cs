using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The VAE's decoder (diffusers' <c>Decoder</c> in <c>models/autoencoders/vae.py</c>, GroupNorm variant): latents to an
/// image through the mid-block and the levels in reverse, <c>layers_per_block + 1</c> ResNet blocks each, norms with eps 1e-6.
/// </summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks = new();
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeDecoder(AutoencoderKLConfig config) : base(nameof(VaeDecoder))
    {
        var channels = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        const double eps = VaeEncoder.NormEps;
        conv_in = nn.Conv2d(config.LatentChannels, channels[^1], 3, padding: 1);
        mid_block = new UNetMidBlock2D(channels[^1], tembChannels: null, groups, eps,
                                       addAttention: config.MidBlockAddAttention, attentionHeadDim: channels[^1]);
        var reversed = channels.Reverse().ToArray();
        int output = reversed[0];
        for (int i = 0; i < reversed.Length; i++)
        {
            int prevOutput = output;
            output = reversed[i];
            up_blocks.Add(new UpDecoderBlock2D(prevOutput, output, config.LayersPerBlock + 1, groups, eps,
                                               addUpsample: i < reversed.Length - 1));
        }
        conv_norm_out = Normalization.GroupNorm(groups, channels[0], eps);
        conv_out = nn.Conv2d(channels[0], config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var x = conv_in.forward(latents);
        x = mid_block.forward(x);
        foreach (var block in up_blocks) x = block.forward(x);
        x = conv_out.forward(nn.functional.silu(conv_norm_out.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
