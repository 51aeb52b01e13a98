using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>SDEdit image-to-image: strength picks how far down the timesteps the input is noised and restarted.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ImageToImageTests
{
    static readonly SchedulerConfig Config = new() { ClipSample = false, SetAlphaToOne = true };

    static Tensor Image(long seed = 3)
    {
        using var generator = new Generator().manual_seed(seed);
        return rand([1, 1, 6, 6], generator: generator) * 2 - 1;
    }

    [Fact]
    public void Strength_zero_returns_the_input_bit_for_bit_without_calling_the_model()
    {
        using var scheduler = SchedulerRegistry.Create("ddim", Config);
        using var image = Image();
        using var model = new CountingDenoiser(new ImageExactDenoiser(-image, ((IBetaScheduler)scheduler).Schedule));
        using var generator = new Generator().manual_seed(1);
        using var result = ImageToImage.Run(model, scheduler, image, 0.0, 20, generator);
        Assert.True(result.eq(image).all().item<bool>());
        Assert.Equal(0, model.Calls);
    }

    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim")]
    [InlineData("euler_a")]
    public void Strength_one_equals_plain_sampling_from_the_same_seed(string sampler)
    {
        manual_seed(1);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
        unet.eval();
        using var imageNoise = new Generator().manual_seed(2);
        using var image = rand([2, 1, 28, 28], generator: imageNoise) * 2 - 1;
        using var scheduler = SchedulerRegistry.Create(sampler, Config);

        using var g1 = new Generator().manual_seed(11);
        using var edited = ImageToImage.Run(unet, scheduler, image, 1.0, 4, g1);
        using var g2 = new Generator().manual_seed(11);
        using var noise = randn([2, 1, 28, 28], generator: g2);
        using var sampled = DenoisingLoop.Run(unet, scheduler, noise, 4, g2);

        Assert.True(edited.eq(sampled).all().item<bool>(), $"max difference {edited.sub(sampled).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData("ddim", 0.3, 10, 3)]
    [InlineData("ddpm", 0.25, 10, 3)]
    [InlineData("dpm++", 0.5, 7, 4)]
    [InlineData("euler", 0.01, 50, 1)]
    [InlineData("euler_a", 0.9, 20, 18)]
    [InlineData("ddim", 1.0, 12, 12)]
    public void Model_is_called_ceil_strength_times_steps_times(string sampler, double strength, int steps, int expected)
    {
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var image = Image();
        using var model = new CountingDenoiser(new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule));
        using var generator = new Generator().manual_seed(1);
        using var result = ImageToImage.Run(model, scheduler, image, strength, steps, generator);
        Assert.Equal(expected, model.Calls);
        Assert.Equal(expected, ImageToImage.KeptSteps(strength, steps));
    }

    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim")]
    [InlineData("dpm++")]
    [InlineData("euler")]
    [InlineData("euler_a")]
    public void Input_is_noised_to_the_first_kept_level_with_the_seeded_noise(string sampler)
    {
        // With data = the input itself, the exact denoiser's first ε̂ is the noise that was added, only if x_t was
        // built at the noise level the scheduler's first kept timestep stands for.
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var image = Image();
        using var model = new CountingDenoiser(new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule));
        using var g1 = new Generator().manual_seed(5);
        using var result = ImageToImage.Run(model, scheduler, image, 0.6, 10, g1);
        using var g2 = new Generator().manual_seed(5);
        using var noise = randn(image.shape, generator: g2);
        double error = model.FirstOutput!.sub(noise).abs().max().item<float>();
        Assert.True(error < 1e-3, $"first ε̂ is off the seeded noise by {error:g3}");
    }

    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim")]
    [InlineData("dpm++")]
    [InlineData("euler")]
    [InlineData("euler_a")]
    public void Half_strength_with_an_exact_denoiser_lands_on_its_data_point(string sampler)
    {
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var image = Image(3);
        using var target = Image(4);
        var model = new ImageExactDenoiser(target, ((IBetaScheduler)scheduler).Schedule);
        using var generator = new Generator().manual_seed(2);
        using var result = ImageToImage.Run(model, scheduler, image, 0.5, 20, generator);
        double error = result.sub(target).abs().max().item<float>();
        Assert.True(error < 1e-3, $"error {error:g3}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Strength_outside_zero_to_one_is_refused(double strength)
    {
        using var scheduler = SchedulerRegistry.Create("ddim", Config);
        using var image = Image();
        var model = new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule);
        var error = Assert.ThrowsAny<DiffuseException>(() => ImageToImage.Run(model, scheduler, image, strength, 10));
        Assert.Contains("strength must lie in [0, 1]", error.Message);
        Assert.Equal("strength", Assert.IsType<DiffuseArgumentException>(error).ParameterName);
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("pndm")]
    public void Samplers_that_cannot_start_part_way_are_refused(string sampler)
    {
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var image = Image();
        var model = new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule);
        var error = Assert.ThrowsAny<DiffuseException>(() => ImageToImage.Run(model, scheduler, image, 0.5, 10));
        Assert.Contains("cannot start part-way down its timesteps, which image-to-image needs", error.Message);
    }
}
