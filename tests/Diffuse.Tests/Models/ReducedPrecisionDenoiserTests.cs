using Diffuse.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

[Collection(GlobalRngCollection.Name)]
public sealed class ReducedPrecisionDenoiserTests
{
    private static readonly UNet2DConfig Config = new()
    {
        SampleSize = 8, InChannels = 1, OutChannels = 1, BlockOutChannels = [8, 16], LayersPerBlock = 1,
        DownBlockTypes = ["DownBlock2D", "DownBlock2D"], UpBlockTypes = ["UpBlock2D", "UpBlock2D"],
        NormNumGroups = 4, AddAttention = true, AttentionHeadDim = 8,
    };

    [Theory]
    [InlineData("bfloat16", 8)]      // 8 significand bits: relative rounding 2⁻⁸ per operation
    [InlineData("float16", 11)]
    public void Prediction_is_float32_and_close_to_the_float32_network(string dtype, int significandBits)
    {
        manual_seed(3);
        using var full = new UNet2DModel(Config);
        using var reduced = new UNet2DModel(Config);
        reduced.load_state_dict(full.state_dict());
        full.eval();
        reduced.eval();
        using var x = randn(4, 1, 8, 8);
        using var t = tensor(new[] { 999f, 500f, 20f, 0f });
        using var noGrad = no_grad();
        using var expected = full.Predict(x, t);
        var denoiser = new ReducedPrecisionDenoiser(reduced, InferenceDTypes.Parse(dtype));
        using var actual = denoiser.Predict(x, t);

        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(InferenceDTypes.Parse(dtype), reduced.parameters().First().dtype);
        double scale = expected.abs().max().item<float>();
        double error = (actual - expected).abs().max().item<float>();
        // A few dozen roundings in sequence, each at most 2^-bits relative: well under 2^-(bits-5) of the output's size.
        Assert.InRange(error, 1e-7 * scale, Math.Pow(2, -(significandBits - 5)) * scale);
    }

    [Fact]
    public void Unknown_dtype_names_the_choices()
    {
        var error = Assert.ThrowsAny<DiffuseException>(() => InferenceDTypes.Parse("float8"));
        Assert.Contains("float32, bfloat16, float16", error.Message);
    }
}
