using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffuse.Models;

/// <summary>
/// The VAE's encoder (diffusers' <c>Encoder</c> in <c>models/autoencoders/vae.py</c>, built with <c>double_z=True</c>):
/// an image to the mean and log-variance of the latent Gaussian, stacked on the channel axis. Norms use eps 1e-6,
/// downsamplers pad right and bottom only (<c>downsample_padding=0</c>), the mid-block attention is one head of all channels.
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>The GroupNorm epsilon diffusers' Encoder and Decoder pass to every block (<c>resnet_eps=1e-6</c>).</summary>
    public const double NormEps = 1e-6;

    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks = new();
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeEncoder(AutoencoderKLConfig config) : base(nameof(VaeEncoder))
    {
        var channels = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, padding: 1);
        int output = channels[0];
        for (int i = 0; i < channels.Length; i++)
        {
            int input = output;
            output = channels[i];
            down_blocks.Add(new DownEncoderBlock2D(input, output, config.LayersPerBlock, groups, NormEps,
                                                   addDownsample: i < channels.Length - 1, downsamplePadding: 0));
        }
        mid_block = new UNetMidBlock2D(channels[^1], tembChannels: null, groups, NormEps,
                                       addAttention: config.MidBlockAddAttention, attentionHeadDim: channels[^1]);
        conv_norm_out = Normalization.GroupNorm(groups, channels[^1], NormEps);
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = conv_in.forward(image);
        foreach (var block in down_blocks) x = block.forward(x);
        x = mid_block.forward(x);
        x = conv_out.forward(nn.functional.silu(conv_norm_out.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
