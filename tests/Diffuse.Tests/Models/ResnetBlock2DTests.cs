using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

/// <summary>The block's in-place additions and activations must not change a single bit, forward or backward.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ResnetBlock2DTests
{
    /// <summary>The block written out of place from its own weights, as diffusers' ResnetBlock2D.forward reads.</summary>
    private static Tensor Reference(ResnetBlock2D block, Tensor x, Tensor temb, double scale)
    {
        var p = block.named_parameters().ToDictionary(kv => kv.name, kv => (Tensor)kv.parameter);
        var h = nn.functional.group_norm(x, 4, p["norm1.weight"], p["norm1.bias"], 1e-5);
        h = nn.functional.conv2d(nn.functional.silu(h), p["conv1.weight"], p["conv1.bias"], padding: [1, 1]);
        var t = nn.functional.linear(nn.functional.silu(temb), p["time_emb_proj.weight"], p["time_emb_proj.bias"]);
        h = h + t.unsqueeze(-1).unsqueeze(-1);
        h = nn.functional.group_norm(h, 4, p["norm2.weight"], p["norm2.bias"], 1e-5);
        h = nn.functional.conv2d(nn.functional.silu(h), p["conv2.weight"], p["conv2.bias"], padding: [1, 1]);
        var skip = nn.functional.conv2d(x, p["conv_shortcut.weight"], p["conv_shortcut.bias"]);
        return (skip + h) / scale;
    }

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(false, 1.0)]
    [InlineData(false, 2.0)]
    public void In_place_forward_equals_the_out_of_place_formula_bit_for_bit(bool withGrad, double scale)
    {
        manual_seed(11);
        using var block = new ResnetBlock2D(8, 12, 16, 4, 1e-5, outputScaleFactor: scale);
        using var x = randn(3, 8, 5, 5);
        using var temb = randn(3, 16);
        using var before = x.clone();
        using var grad = withGrad ? enable_grad() : no_grad();
        using var expected = Reference(block, x, temb, scale);
        using var actual = block.forward(x, temb);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 0), $"max difference {(actual - expected).abs().max().item<float>()}");
        Assert.True(x.allclose(before, rtol: 0, atol: 0));                                // the input is left alone
    }

    [Fact]
    public void In_place_backward_gives_the_same_gradients()
    {
        manual_seed(12);
        using var block = new ResnetBlock2D(8, 12, 16, 4, 1e-5);
        using var x = randn(3, 8, 5, 5);
        using var temb = randn(3, 16);
        block.forward(x, temb).square().sum().backward();
        var inPlace = block.parameters().Select(p => p.grad!.clone()).ToArray();
        block.zero_grad();
        Reference(block, x, temb, 1.0).square().sum().backward();
        var outOfPlace = block.parameters().Select(p => p.grad!).ToArray();
        for (int i = 0; i < inPlace.Length; i++) Assert.True(inPlace[i].allclose(outOfPlace[i], rtol: 0, atol: 0), $"gradient {i} differs");
    }

    [Fact]
    public void Without_time_embedding_channels_the_block_has_no_projection_and_skips_the_addition()
    {
        // diffusers' ResnetBlock2D with temb_channels=None (the VAE's): no time_emb_proj, and h is not shifted.
        manual_seed(13);
        using var block = new ResnetBlock2D(8, 12, tembChannels: null, 4, 1e-6);
        Assert.DoesNotContain(block.state_dict().Keys, k => k.StartsWith("time_emb_proj"));
        using var x = randn(2, 8, 5, 5);
        using var noGrad = no_grad();
        var p = block.named_parameters().ToDictionary(kv => kv.name, kv => (Tensor)kv.parameter);
        using var h1 = nn.functional.conv2d(nn.functional.silu(nn.functional.group_norm(x, 4, p["norm1.weight"], p["norm1.bias"], 1e-6)), p["conv1.weight"], p["conv1.bias"], padding: [1, 1]);
        using var h2 = nn.functional.conv2d(nn.functional.silu(nn.functional.group_norm(h1, 4, p["norm2.weight"], p["norm2.bias"], 1e-6)), p["conv2.weight"], p["conv2.bias"], padding: [1, 1]);
        using var expected = nn.functional.conv2d(x, p["conv_shortcut.weight"], p["conv_shortcut.bias"]) + h2;
        using var actual = block.forward(x);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-6), $"max difference {(actual - expected).abs().max().item<float>()}");
        Assert.Equal("temb", Assert.Throws<DiffuseArgumentException>(() => block.forward(x, randn(2, 16))).ParameterName);
        using var withTemb = new ResnetBlock2D(8, 12, 16, 4, 1e-6);
        Assert.Equal("temb", Assert.Throws<DiffuseArgumentException>(() => withTemb.forward(x)).ParameterName);
    }
}
