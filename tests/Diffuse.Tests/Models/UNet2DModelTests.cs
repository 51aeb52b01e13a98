using Diffuse.Formats;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

[Collection(GlobalRngCollection.Name)]
public sealed class UNet2DModelTests
{
    private static readonly string Case = Fixtures.TinyGray;

    [Fact]
    public void Parameter_names_shapes_and_count_match_the_diffusers_checkpoint()
    {
        var config = UNet2DConfig.Load(Path.Combine(Case, "unet", "config.json"));
        manual_seed(1);
        using var model = new UNet2DModel(config);
        var ours = model.state_dict();
        var theirs = SafetensorsWeights.Read(Path.Combine(Case, "unet", "diffusion_pytorch_model.safetensors"));

        Assert.Equal(theirs.Keys.OrderBy(k => k), ours.Keys.OrderBy(k => k));
        foreach (var (key, tensor) in theirs) Assert.Equal(tensor.shape, ours[key].shape);
        Assert.Equal(651_041L, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Forward_pass_matches_diffusers_output()
    {
        var config = UNet2DConfig.Load(Path.Combine(Case, "unet", "config.json"));
        using var model = new UNet2DModel(config);
        SafetensorsWeights.LoadInto(model, Path.Combine(Case, "unet", "diffusion_pytorch_model.safetensors"));
        model.eval();
        var expected = SafetensorsWeights.Read(Path.Combine(Case, "expected", "unet_forward.safetensors"));

        using var noGrad = no_grad();
        using var output = model.Predict(expected["sample"], expected["timestep"]);
        double maxDiff = (output - expected["out"]).abs().max().item<float>();
        Assert.True(maxDiff <= 1e-4, $"max abs difference {maxDiff}");
    }

    [Fact]
    public void A_fresh_model_has_unit_norms_and_a_finite_output()
    {
        var config = new UNet2DConfig
        {
            SampleSize = 28, InChannels = 1, OutChannels = 1, BlockOutChannels = [16, 32, 32], LayersPerBlock = 1,
            DownBlockTypes = ["DownBlock2D", "DownBlock2D", "AttnDownBlock2D"],
            UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D", "UpBlock2D"], NormNumGroups = 8,
        };
        manual_seed(3);
        using var model = new UNet2DModel(config);
        foreach (var (key, value) in model.state_dict().Where(kv => kv.Key.Contains("norm")))
        {
            float expected = key.EndsWith("weight") ? 1f : 0f;
            Assert.True(value.eq(expected).all().item<bool>(), $"{key} is not initialised to {expected}");
        }
        using var noGrad = no_grad();
        using var generator = new Generator().manual_seed(4);
        using var output = model.Predict(randn([3, 1, 28, 28], generator: generator), tensor(new long[] { 0, 500, 999 }));
        Assert.Equal(new long[] { 3, 1, 28, 28 }, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void The_ddpm_cifar10_config_with_attention_blocks_has_the_published_parameter_count()
    {
        // google/ddpm-cifar10-32's config.json (Ho et al. 2020's CIFAR-10 model, 35.7M parameters):
        // AttnDownBlock2D/AttnUpBlock2D at 16x16, attention_head_dim null (one head), padding 0.
        var config = new UNet2DConfig
        {
            SampleSize = 32, InChannels = 3, OutChannels = 3, BlockOutChannels = [128, 256, 256, 256], LayersPerBlock = 2,
            DownBlockTypes = ["DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"],
            UpBlockTypes = ["UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"],
            AttentionHeadDim = null, NormEps = 1e-6, NormNumGroups = 32, FlipSinToCos = false, FreqShift = 1, DownsamplePadding = 0,
        };
        manual_seed(5);
        using var model = new UNet2DModel(config);
        Assert.Equal(35_746_307L, model.parameters().Sum(p => p.numel()));
        using var noGrad = no_grad();
        using var output = model.Predict(zeros(1, 3, 32, 32), tensor(new long[] { 10 }));
        Assert.Equal(new long[] { 1, 3, 32, 32 }, output.shape);
    }
}
