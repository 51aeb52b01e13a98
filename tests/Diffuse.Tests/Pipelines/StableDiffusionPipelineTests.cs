using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Formats;
using Xunit.Abstractions;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// Stable Diffusion end to end against diffusers 0.31 on the tiny-sd folder (shared/interop/tiny-sd/expected/README.md):
/// the same starting latents, every step of the loop, the final latents and the decoded image.
/// </summary>
[Collection(GlobalRngCollection.Name)]
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

    [Fact]
    public void The_single_file_checkpoint_samples_what_the_folder_samples()
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected("txt2img_ddim_10.safetensors"));
        var noise = Fixtures.Load(Expected("noise.safetensors"))["sample"];
        var file = Path.Combine(Fixtures.InteropFolder, "tiny-sd-single-file", "tiny-sd.safetensors");
        using var pipeline = DiffusionPipeline.Load(file, config: Folder);
        Assert.IsType<StableDiffusionPipeline>(pipeline);
        using var result = pipeline.Generate(new GenerationOptions { Prompt = Prompt, Scheduler = "DDIMScheduler", Steps = 10, GuidanceScale = 7.5, InitialNoise = noise });
        double latents = Relative(result.Latents!, expected["latents"]);
        output.WriteLine($"single file, txt2img_ddim_10: latents {latents:E2} of their scale");
        Assert.True(latents < 1e-4, $"latents {latents:E2}");
    }

    [Fact]
    public void A_tiny_single_file_without_its_config_folder_is_refused_in_one_line()
    {
        // The standard SD 1.x text encoder has 12 heads, which a 32-wide tiny model cannot split into: say so, load nothing.
        var file = Path.Combine(Fixtures.InteropFolder, "tiny-sd-single-file", "tiny-sd.safetensors");
        var e = Assert.ThrowsAny<DiffuseException>(() => DiffusionPipeline.Load(file));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(file + ": text_encoder config: num_attention_heads", e.Message);
        Assert.Contains("--config", e.Message);
    }

    [Fact]
    public void Options_a_text_pipeline_cannot_take_are_refused_naming_them()
    {
        using var pipeline = DiffusionPipeline.Load(Folder);
        Assert.Equal("height", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Prompt = "x", Height = 60 })).ParameterName);
        Assert.Equal("classes", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Prompt = "x", Classes = [1] })).ParameterName);
        Assert.Equal("clip_skip", Assert.Throws<DiffuseArgumentException>(() => pipeline.Generate(new GenerationOptions { Prompt = "x", ClipSkip = 9 })).ParameterName);
    }

    [Fact]
    public void Height_and_width_set_the_latent_size_in_multiples_of_eight()
    {
        using var scope = NewDisposeScope();
        using var pipeline = DiffusionPipeline.Load(Folder);
        using var result = pipeline.Generate(new GenerationOptions { Prompt = "a cat", Steps = 2, Height = 48, Width = 80, Scheduler = "ddim" });
        Assert.Equal(new long[] { 1, 4, 24, 40 }, result.Latents!.shape);
        Assert.Equal(new long[] { 1, 3, 48, 80 }, result.Samples.shape);
    }

    [Fact]
    public void Inpainting_with_an_ordinary_unet_works_in_latent_space_and_keeps_what_the_mask_keeps()
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected("img2img_ddim_20.safetensors"));
        using var pipeline = DiffusionPipeline.Load(Folder);
        var sd = Assert.IsType<StableDiffusionPipeline>(pipeline);
        var image = expected["init_image"];
        var options = new GenerationOptions { Prompt = Prompt, Scheduler = "ddim", Steps = 4, Seed = 3 };
        // Keep everything: the loop's latents end as the image's own, so the result is the VAE's round trip of it.
        using var kept = pipeline.Inpaint(image, ones(1, 1, 64, 64), options);
        var generator = new Generator().manual_seed(3);
        using var posterior = sd.Vae!.Encode(image);
        var roundTrip = sd.Vae!.Decode(sd.Vae.UnscaleLatents(sd.Vae.ScaleLatents(posterior.Sample(generator))));
        Assert.True(Relative(kept, roundTrip) < 1e-5, $"kept {Relative(kept, roundTrip):E2}");
        // Generate the left half: in latent space the right half stays the image's latents exactly, the left half changes.
        var latents = sd.Vae.ScaleLatents(posterior.Sample(new Generator().manual_seed(3)));
        var mask = cat([zeros(1, 1, 64, 32), ones(1, 1, 64, 32)], 3);
        Tensor? last = null;
        using var filled = pipeline.Inpaint(image, mask, options, onStep: step => { last?.Dispose(); last = step.Sample.detach().clone().DetachFromDisposeScope(); });
        Assert.Equal(new long[] { 1, 3, 64, 64 }, filled.shape);
        Assert.Equal(new long[] { 1, 4, 32, 32 }, last!.shape);
        Assert.True(last.narrow(3, 16, 16).eq(latents.narrow(3, 16, 16)).all().item<bool>(), "the kept half's latents must be the image's");
        Assert.True((last - latents).abs().narrow(3, 0, 16).mean().item<float>() > 0.1, "the generated half's latents must change");
    }

    [Fact]
    public void An_inpainting_unet_sees_the_mask_and_the_masked_image_latents_beside_its_own()
    {
        using var scope = NewDisposeScope();
        var config = UNet2DConditionConfig.Load(Path.Combine(Folder, "unet", "config.json")) with { InChannels = 9 };
        manual_seed(12);
        var unet = new UNet2DConditionModel(config);
        var vae = (AutoencoderKL)ModelFolder.Load(Path.Combine(Folder, "vae"));
        var text = Diffuse.Text.ClipTextEncoder.Load(Folder);
        using var pipeline = new StableDiffusionPipeline(unet, vae, text, Diffuse.Schedules.SchedulerConfig.Load(Path.Combine(Folder, "scheduler", "scheduler_config.json")));
        Assert.True(pipeline.IsInpaintingUNet);
        var image = Fixtures.Load(Expected("img2img_ddim_20.safetensors"))["init_image"];
        var options = new GenerationOptions { Prompt = Prompt, Scheduler = "ddim", Steps = 3, Seed = 4 };
        var left = cat([zeros(1, 1, 64, 32), ones(1, 1, 64, 32)], 3);
        using var a = pipeline.Inpaint(image, left, options);
        using var b = pipeline.Inpaint(image, 1 - left, options);
        Assert.Equal(new long[] { 1, 3, 64, 64 }, a.shape);
        Assert.True((a - b).abs().max().item<float>() > 1e-3, "the mask must reach the network");
        Assert.Equal("method", Assert.Throws<DiffuseArgumentException>(() => pipeline.Inpaint(image, left, options, new RePaintSchedule())).ParameterName);
    }
}
