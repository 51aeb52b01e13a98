using Diffuse.Formats;
using Xunit.Abstractions;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// Stable Diffusion end to end against diffusers 0.31 on the tiny-sd folder (shared/interop/tiny-sd/expected/README.md):
/// the same starting latents, every step of the loop, the final latents and the decoded image.
/// </summary>
[Collection(nameof(GlobalRngCollection))]
public sealed class StableDiffusionPipelineTests(ITestOutputHelper output)
{
    static string Folder => Path.Combine(Fixtures.InteropFolder, "tiny-sd");
    static string Expected(string file) => Path.Combine(Folder, "expected", file);
    const string Prompt = "a photo of an astronaut riding a horse";

    /// <summary>Largest |a − b| over the largest |b|, at least 1: differences relative to the tensor's scale.</summary>
    static double Relative(Tensor a, Tensor b) => (a - b).abs().max().item<float>() / Math.Max(1.0, b.abs().max().item<float>());

    [Theory]
    [InlineData("txt2img_pndm_20", "PNDMScheduler", 20, 7.5)]
    [InlineData("txt2img_ddim_10", "DDIMScheduler", 10, 7.5)]
    [InlineData("txt2img_euler_15", "EulerDiscreteScheduler", 15, 7.5)]
    [InlineData("txt2img_dpmpp2m_10", "DPMSolverMultistepScheduler", 10, 7.5)]
    [InlineData("txt2img_pndm_20_nocfg", "PNDMScheduler", 20, 1.0)]
    public void Text_to_image_follows_diffusers_at_every_step(string run, string scheduler, int steps, double guidanceScale)
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected(run + ".safetensors"));
        var noise = Fixtures.Load(Expected("noise.safetensors"))["sample"];
        using var pipeline = DiffusionPipeline.Load(Folder);
        Assert.IsType<StableDiffusionPipeline>(pipeline);

        var trajectory = new List<Tensor>();
        foreach (var t in trajectory) t.Dispose();
        using var result = pipeline.Generate(
            new GenerationOptions { Prompt = Prompt, Scheduler = scheduler, Steps = steps, GuidanceScale = guidanceScale, InitialNoise = noise },
            step => trajectory.Add(step.Sample.detach().clone().DetachFromDisposeScope()));

        var expectedTrajectory = expected["trajectory"];
        Assert.Equal(expectedTrajectory.shape[0], trajectory.Count);
        double worstStep = Enumerable.Range(0, trajectory.Count).Max(i => Relative(trajectory[i], expectedTrajectory[i]));
        double latents = Relative(result.Latents!, expected["latents"]);
        using var image = (result.Samples / 2 + 0.5).clamp(0, 1);
        double pixels = Relative(image, expected["image"]);
        output.WriteLine($"{run}: worst step {worstStep:E2}, latents {latents:E2}, image {pixels:E2} of their scale");
        Assert.True(worstStep < 1e-4 && latents < 1e-4 && pixels < 1e-4,
            $"{run}: worst step {worstStep:E2}, latents {latents:E2}, image {pixels:E2} of their scale");
    }

    [Fact]
    public void Image_to_image_encodes_noises_and_denoises_as_diffusers_does()
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected("img2img_ddim_20.safetensors"));
        using var pipeline = DiffusionPipeline.Load(Folder);
        var init = expected["init_image"];   // VaeImageProcessor.preprocess of the picture: already in [−1, 1]
        var trajectory = new List<Tensor>();
        using var edited = pipeline.ImageToImage(init, 0.6,
            new GenerationOptions { Prompt = Prompt, Scheduler = "DDIMScheduler", Steps = 20, GuidanceScale = 7.5, Seed = 500 },
            step => trajectory.Add(step.Sample.detach().clone().DetachFromDisposeScope()));
        Assert.Equal(expected["trajectory"].shape[0], trajectory.Count);
        double worstStep = Enumerable.Range(0, trajectory.Count).Max(i => Relative(trajectory[i], expected["trajectory"][i]));
        using var image = (edited / 2 + 0.5).clamp(0, 1);
        double pixels = Relative(image, expected["image"]);
        output.WriteLine($"img2img: worst step {worstStep:E2}, image {pixels:E2} of their scale");
        Assert.True(worstStep < 1e-4 && pixels < 1e-4, $"img2img: worst step {worstStep:E2}, image {pixels:E2} of their scale");
    }
}
