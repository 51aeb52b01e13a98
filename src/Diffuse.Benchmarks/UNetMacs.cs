using Diffuse.Models;

namespace Diffuse.Benchmarks;

/// <summary>
/// The multiply-accumulates (MACs) of one forward pass of a <see cref="UNet2DModel"/>, counted
/// analytically from its config by walking the blocks in the order the forward pass runs them, with the
/// resolution and channel count of every tensor tracked as the model tracks them (skips pushed on the
/// way down, popped on the way up). Counted: every convolution (C_out·C_in·k²·H_out·W_out), every
/// linear layer (in·out per token, including the time-embedding MLP and each ResNet's time projection)
/// and attention's two matrix products (QKᵀ and AV: 2·N²·C for N tokens of C channels). Not counted:
/// GroupNorm, SiLU, softmax, additions, concatenation and upsampling, which are a few operations per
/// element, against the hundreds per element of the convolutions. A FLOP rate is 2 FLOPs per MAC.
/// </summary>
public static class UNetMacs
{
    /// <summary>MACs of one forward pass on a batch of <paramref name="batch"/> images.</summary>
    public static long Forward(UNet2DConfig config, int batch = 1) => Layers(config).Sum(l => l.Macs) * batch;

    /// <summary>Every counted layer of the forward pass for one image, in execution order.</summary>
    public static IReadOnlyList<LayerMacs> Layers(UNet2DConfig config)
    {
        config.Validate();
        var layers = new List<LayerMacs>();
        var channels = config.BlockOutChannels;
        int temb = channels[0] * 4;
        int size = config.SampleSize;

        void Conv(string name, int cin, int cout, int kernel, int outSize) =>
            layers.Add(new LayerMacs(name, LayerKind.Conv2d, (long)cout * cin * kernel * kernel, (long)cout * cin * kernel * kernel * outSize * outSize));
        void Linear(string name, int cin, int cout, long tokens) =>
            layers.Add(new LayerMacs(name, LayerKind.Linear, (long)cin * cout, (long)cin * cout * tokens));
        void Resnet(string name, int cin, int cout, int res)
        {
            Conv($"{name}.conv1", cin, cout, 3, res);
            Linear($"{name}.time_emb_proj", temb, cout, 1);
            Conv($"{name}.conv2", cout, cout, 3, res);
            if (cin != cout) Conv($"{name}.conv_shortcut", cin, cout, 1, res);
        }
        void Attention(string name, int c, int res)
        {
            long tokens = (long)res * res;
            foreach (var proj in new[] { "to_q", "to_k", "to_v", "to_out.0" }) Linear($"{name}.{proj}", c, c, tokens);
            // Over all heads together: QKᵀ is N×N×d per head, h·d = C; AV the same again.
            layers.Add(new LayerMacs($"{name}.products", LayerKind.AttentionProducts, 0, 2 * tokens * tokens * c));
        }

        Linear("time_embedding.linear_1", channels[0], temb, 1);
        Linear("time_embedding.linear_2", temb, temb, 1);
        Conv("conv_in", config.InChannels, channels[0], 3, size);

        // (channels, resolution) of each tensor the down path keeps for the up path.
        var skips = new Stack<(int Channels, int Res)>();
        skips.Push((channels[0], size));
        int c = channels[0], r = size;
        for (int i = 0; i < channels.Length; i++)
        {
            for (int j = 0; j < config.LayersPerBlock; j++)
            {
                Resnet($"down_blocks.{i}.resnets.{j}", c, channels[i], r);
                c = channels[i];
                if (config.DownBlockTypes[i] == "AttnDownBlock2D") Attention($"down_blocks.{i}.attentions.{j}", c, r);
                skips.Push((c, r));
            }
            if (i < channels.Length - 1)
            {
                // 3×3, stride 2: padding p gives ⌊(r + 2p − 3)/2⌋ + 1; padding 0 pads right and bottom by one.
                r = config.DownsamplePadding == 0 ? (r + 1 - 3) / 2 + 1 : (r + 2 * config.DownsamplePadding - 3) / 2 + 1;
                Conv($"down_blocks.{i}.downsamplers.0.conv", c, c, 3, r);
                skips.Push((c, r));
            }
        }

        Resnet("mid_block.resnets.0", c, c, r);
        if (config.AddAttention) Attention("mid_block.attentions.0", c, r);
        Resnet("mid_block.resnets.1", c, c, r);

        var reversed = channels.Reverse().ToArray();
        for (int i = 0; i < reversed.Length; i++)
        {
            for (int j = 0; j < config.LayersPerBlock + 1; j++)
            {
                var skip = skips.Pop();
                Resnet($"up_blocks.{i}.resnets.{j}", c + skip.Channels, reversed[i], r);
                c = reversed[i];
                if (config.UpBlockTypes[i] == "AttnUpBlock2D") Attention($"up_blocks.{i}.attentions.{j}", c, r);
            }
            if (i < reversed.Length - 1)
            {
                r *= 2;
                Conv($"up_blocks.{i}.upsamplers.0.conv", c, c, 3, r);
            }
        }
        Conv("conv_out", c, config.OutChannels, 3, r);
        return layers;
    }
}
