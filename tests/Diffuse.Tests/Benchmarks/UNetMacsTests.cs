using Diffuse.Benchmarks;
using Diffuse.Models;
using Diffuse.Training;
using TorchSharp.Modules;

namespace Diffuse.Tests.Benchmarks;

[Collection(GlobalRngCollection.Name)]
public sealed class UNetMacsTests
{
    /// <summary>4×4 input, levels (8, 16), one ResNet a level, mid attention with two heads of 8.</summary>
    private static readonly UNet2DConfig Small = new()
    {
        SampleSize = 4, InChannels = 1, OutChannels = 1, BlockOutChannels = [8, 16], LayersPerBlock = 1,
        DownBlockTypes = ["DownBlock2D", "DownBlock2D"], UpBlockTypes = ["UpBlock2D", "UpBlock2D"],
        NormNumGroups = 4, AddAttention = true, AttentionHeadDim = 8,
    };

    [Fact]
    public void Forward_macs_of_a_small_unet_match_the_hand_count()
    {
        // Per image; conv = C_out·C_in·k²·H·W, linear = in·out per token, time embedding width 4·8 = 32.
        long time = 8 * 32 + 32 * 32;                                  // 1,280: time_embedding.linear_1, linear_2
        long convIn = 1 * 8 * 9 * 16;                                  // 1,152
        long down0 = 8 * 8 * 9 * 16 + 32 * 8 + 8 * 8 * 9 * 16;          // 18,688: conv1, time_emb_proj, conv2 at 4×4
        long downsample = 8 * 8 * 9 * 4;                               // 2,304: stride 2 → 2×2
        long down1 = 8 * 16 * 9 * 4 + 32 * 16 + 16 * 16 * 9 * 4 + 8 * 16 * 4;   // 14,848 with the 1×1 shortcut
        long midResnet = 16 * 16 * 9 * 4 + 32 * 16 + 16 * 16 * 9 * 4;  // 18,944
        long midAttention = 4 * 4 * 16 * 16 + 2 * 4 * 4 * 16;          // 4,608: q, k, v, out on 4 tokens; QKᵀ and AV
        long up0 = (32 * 16 * 9 * 4 + 512 + 16 * 16 * 9 * 4 + 32 * 16 * 4)     // 16 + skip 16 → 16
                 + (24 * 16 * 9 * 4 + 512 + 16 * 16 * 9 * 4 + 24 * 16 * 4)     // 16 + skip 8 (the downsampler's) → 16
                 + 16 * 16 * 9 * 16;                                           // upsampler conv at 4×4: 92,160 in all
        long up1 = (24 * 8 * 9 * 16 + 256 + 8 * 8 * 9 * 16 + 24 * 8 * 16)      // 16 + skip 8 → 8
                 + (16 * 8 * 9 * 16 + 256 + 8 * 8 * 9 * 16 + 16 * 8 * 16);     // 8 + conv_in's 8 → 8: 70,144 in all
        long convOut = 8 * 1 * 9 * 16;                                 // 1,152
        long expected = time + convIn + down0 + downsample + down1 + 2 * midResnet + midAttention + up0 + up1 + convOut;

        Assert.Equal(244_224, expected);
        Assert.Equal(expected, UNetMacs.Forward(Small));
        Assert.Equal(64 * expected, UNetMacs.Forward(Small, batch: 64));
    }

    [Fact]
    public void Attention_products_grow_with_the_square_of_the_tokens()
    {
        var layers = UNetMacs.Layers(Small with { SampleSize = 8 });
        var products = Assert.Single(layers, l => l.Kind == LayerKind.AttentionProducts);
        Assert.Equal("mid_block.attentions.0.products", products.Name);
        Assert.Equal(2L * 16 * 16 * 16, products.Macs);                // 4×4 tokens at the bottom of an 8×8 input
    }

    public static TheoryData<string, int> Configs() => new()
    {
        { ModelPresets.Tiny, 28 }, { ModelPresets.Default, 28 }, { ModelPresets.Small, 32 }, { "attention-levels", 16 },
    };

    /// <summary>
    /// The count walks the config, not the module; so every convolution and linear layer it names must
    /// be a module of the built model under that state-dict path with that many weights, and no
    /// convolution or linear layer of the model may be missed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Configs))]
    public void Counted_layers_are_exactly_the_models_convolutions_and_linear_layers(string preset, int size)
    {
        var config = preset == "attention-levels"
            ? Small with
            {
                SampleSize = size, DownBlockTypes = ["AttnDownBlock2D", "DownBlock2D"], UpBlockTypes = ["UpBlock2D", "AttnUpBlock2D"],
                LayersPerBlock = 2, DownsamplePadding = 0,
            }
            : ModelPresets.UNet(preset, 1, size);
        TorchSharp.torch.manual_seed(1);
        using var model = new UNet2DModel(config);
        var modules = model.named_modules()
            .Where(m => m.module is Conv2d or Linear)
            .ToDictionary(m => m.name, m => m.module is Conv2d conv ? conv.weight!.numel() : ((Linear)m.module).weight!.numel());
        var counted = UNetMacs.Layers(config).Where(l => l.Kind != LayerKind.AttentionProducts).ToDictionary(l => l.Name, l => l.WeightCount);
        Assert.Equal(modules.OrderBy(kv => kv.Key), counted.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Padding_0_downsampling_rounds_down_as_the_model_does()
    {
        // diffusers pads right and bottom by one: 8 → ⌊(8 + 1 − 3)/2⌋ + 1 = 4; the model must agree or the skips would not fit.
        var config = Small with { SampleSize = 8, DownsamplePadding = 0 };
        var downsampler = UNetMacs.Layers(config).Single(l => l.Name == "down_blocks.0.downsamplers.0.conv");
        Assert.Equal(8L * 8 * 9 * 4 * 4, downsampler.Macs);
        TorchSharp.torch.manual_seed(2);
        using var model = new UNet2DModel(config);
        using var noGrad = TorchSharp.torch.no_grad();
        using var x = TorchSharp.torch.zeros(1, 1, 8, 8);
        using var t = TorchSharp.torch.tensor(new[] { 10L });
        using var y = model.forward(x, t);
        Assert.Equal(new long[] { 1, 1, 8, 8 }, y.shape);
    }
}
