using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Formats;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>Each bad input ends in one line that names the problem, a non-zero exit, and no damage (run in-process).</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class BadInputTests : IClassFixture<BadInputTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Model => Temp.File("model");

        public string ConditionalModel => Temp.File("conditional-model");

        public Files()
        {
            manual_seed(1);
            using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
            TestPipelines.Save(Model, unet, new SchedulerConfig { ClassName = "DDPMScheduler" });
            manual_seed(2);
            using var conditional = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10));
            TestPipelines.Save(ConditionalModel, conditional, new SchedulerConfig { ClassName = "DDIMScheduler" });
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public BadInputTests(Files files) => _files = files;

    [Fact]
    public void Unknown_sampler() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--sampler", "bogus", "--out", _files.Temp.File("x.png")), "--sampler 'bogus' is unknown");

    [Fact]
    public void Diffusion_sampler_for_a_flow_matching_model()
    {
        var flowModel = Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-flow");
        var output = _files.Temp.File("flow-ddpm.png");
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", flowModel, "--sampler", "ddpm", "--steps", "2", "--count", "1", "--out", output),
            "--sampler 'ddpm' samples a diffusion model, but this model was trained for flow matching (FlowMatchEulerDiscreteScheduler); use flow_euler or flow_heun (ddim runs as flow_euler)");
        Assert.False(File.Exists(output));
    }

    /// <summary>DDIM's step for a flow model is its Euler step: the same images, byte for byte.</summary>
    [Fact]
    public void Ddim_on_a_flow_matching_model_samples_as_flow_euler()
    {
        var flowModel = Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-flow");
        var ddim = _files.Temp.File("flow-ddim.png");
        var euler = _files.Temp.File("flow-euler.png");
        Assert.Equal(0, CliInProcess.Run("sample", "--model", flowModel, "--sampler", "ddim", "--steps", "4", "--count", "2", "--out", ddim).ExitCode);
        Assert.Equal(0, CliInProcess.Run("sample", "--model", flowModel, "--sampler", "flow_euler", "--steps", "4", "--count", "2", "--out", euler).ExitCode);
        Assert.Equal(File.ReadAllBytes(euler), File.ReadAllBytes(ddim));
    }

    [Fact]
    public void Unknown_schedule() =>
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", "moons", "--schedule", "wobbly", "--out", _files.Temp.File("run-s")), "wobbly");

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Steps_that_are_not_positive(string steps)
    {
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--steps", steps, "--out", _files.Temp.File("x.png")), "--steps must be positive");
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", "moons", "--steps", steps, "--out", _files.Temp.File("run-z")), "--steps must be positive");
    }

    [Fact]
    public void Missing_model_folder() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Temp.File("nowhere"), "--out", _files.Temp.File("x.png")), "not found");

    [Fact]
    public void Model_config_that_is_not_json()
    {
        var folder = _files.Temp.File("broken-json");
        CopyModel(folder);
        File.WriteAllText(Path.Combine(folder, "unet", "config.json"), "{ this is not json");
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", folder, "--out", _files.Temp.File("x.png")), "config.json");
    }

    [Fact]
    public void Model_config_with_an_unsupported_block_type()
    {
        var folder = _files.Temp.File("wrong-block");
        CopyModel(folder);
        var path = Path.Combine(folder, "unet", "config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"DownBlock2D\"", "\"CrossAttnDownBlock2D\""));
        CliAssert.OneLineError(CliInProcess.Run("info", folder), "down_block_types");
    }

    [Fact]
    public void Model_config_that_disagrees_with_the_weights()
    {
        var folder = _files.Temp.File("wrong-shape");
        CopyModel(folder);
        var path = Path.Combine(folder, "unet", "config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"layers_per_block\": 1", "\"layers_per_block\": 2"));
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", folder, "--out", _files.Temp.File("x.png")), "diffusion_pytorch_model.safetensors");
    }

    [Fact]
    public void Weights_file_whose_header_length_runs_past_the_end()
    {
        var folder = _files.Temp.File("truncated-weights");
        CopyModel(folder);
        var weights = Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors");
        HandMadeSafetensors.Write(weights, "{}", 16, declaredLength: 1_000_000);
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", folder, "--out", _files.Temp.File("x.png")),
            $"{weights}: header length 1000000 is larger than the file (26 bytes)");
    }

    [Fact]
    public void Weights_file_with_overlapping_tensors()
    {
        var folder = _files.Temp.File("overlapping-weights");
        CopyModel(folder);
        var weights = Path.Combine(folder, "unet", "diffusion_pytorch_model.safetensors");
        HandMadeSafetensors.Write(weights, "{" + HandMadeSafetensors.F32("conv_in.bias", "[32]", 0, 128) + "," + HandMadeSafetensors.F32("conv_in.weight", "[8]", 96, 128) + "}", 128);
        CliAssert.OneLineError(CliInProcess.Run("info", folder), "tensor 'conv_in.weight' (bytes 96-128) overlaps tensor 'conv_in.bias' (bytes 0-128)");
    }

    [Fact]
    public void Init_noise_whose_shape_is_not_the_models()
    {
        var noise = _files.Temp.File("rgb-noise.safetensors");
        SafetensorsFile.Write(noise, new Dictionary<string, TorchSharp.torch.Tensor> { ["sample"] = TorchSharp.torch.zeros(2, 3, 28, 28) });
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--init-noise", noise, "--out", _files.Temp.File("x.png")),
            $"{noise}: tensor 'sample' has shape [2, 3, 28, 28] but the model needs [N, 1, 28, 28]");
    }

    [Fact]
    public void Init_noise_with_another_count()
    {
        var noise = _files.Temp.File("three-noise.safetensors");
        SafetensorsFile.Write(noise, new Dictionary<string, TorchSharp.torch.Tensor> { ["sample"] = TorchSharp.torch.zeros(3, 1, 28, 28) });
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--init-noise", noise, "--count", "4", "--out", _files.Temp.File("x.png")),
            "--count is 4 but the initial noise holds 3 samples");
    }

    [Fact]
    public void Init_noise_without_a_sample_tensor()
    {
        var noise = _files.Temp.File("named-noise.safetensors");
        SafetensorsFile.Write(noise, new Dictionary<string, TorchSharp.torch.Tensor> { ["noise"] = TorchSharp.torch.zeros(1, 1, 28, 28) });
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--init-noise", noise, "--out", _files.Temp.File("x.png")),
            "no tensor 'sample' (the file holds: noise)");
    }

    [Fact]
    public void Missing_model_config()
    {
        var folder = _files.Temp.File("no-config");
        CopyModel(folder);
        File.Delete(Path.Combine(folder, "unet", "config.json"));
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", folder, "--out", _files.Temp.File("x.png")), "config.json is missing");
    }

    [Fact]
    public void Truncated_idx_file()
    {
        var path = _files.Temp.File("truncated-images-idx3-ubyte");
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0, 100, 0, 0, 0, 28, 0, 0, 0, 28 };
        File.WriteAllBytes(path, [.. header, .. new byte[28 * 28 * 3]]);
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", path, "--out", _files.Temp.File("run-idx")), "truncated");
    }

    [Fact]
    public void Corrupt_image_in_a_folder()
    {
        var folder = _files.Temp.File("images");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "bad.png"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", folder, "--out", _files.Temp.File("run-img")), "bad.png");
    }

    [Fact]
    public void Missing_data() =>
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", _files.Temp.File("no-such-data"), "--out", _files.Temp.File("run-m")), "not found");

    [Fact]
    public void Unknown_option() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--frobnicate", "3"), "frobnicate");

    [Fact]
    public void A_failed_sample_leaves_the_earlier_output_untouched()
    {
        var output = _files.Temp.File("keep.png");
        File.WriteAllBytes(output, [42, 42, 42]);
        var result = CliInProcess.Run("sample", "--model", _files.Model, "--sampler", "bogus", "--out", output);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(new byte[] { 42, 42, 42 }, File.ReadAllBytes(output));
    }

    private void CopyModel(string target)
    {
        foreach (var file in Directory.GetFiles(_files.Model, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(_files.Model, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    [Fact]
    public void Class_outside_the_model_classes() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.ConditionalModel, "--class", "12", "--steps", "1", "--out", _files.Temp.File("c.png")), "--class 12 is outside the model's classes 0..9");

    [Fact]
    public void Guidance_on_an_unconditional_model() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.Model, "--guidance-scale", "3", "--out", _files.Temp.File("g.png")), "--guidance-scale needs a conditional model");

    [Fact]
    public void Conditional_training_on_unlabelled_data() =>
        CliAssert.OneLineError(CliInProcess.Run("train", "--data", "moons", "--conditional", "--out", _files.Temp.File("run-cond")), "--conditional");
}
