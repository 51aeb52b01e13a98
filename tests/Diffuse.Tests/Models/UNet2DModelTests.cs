using Diffuse.IO;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Models;

public sealed class UNet2DModelTests
{
    private static readonly string Case = SharedFolder.Interop("tiny-gray");

    [Fact]
    public void Parameter_names_shapes_and_count_match_the_diffusers_checkpoint()
    {
        var config = UNet2DConfig.Load(Path.Combine(Case, "unet", "config.json"));
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
}
