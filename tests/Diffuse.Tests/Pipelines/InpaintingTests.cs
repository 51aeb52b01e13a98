using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>Inpainting by replacement and by RePaint: known pixels stay, the hole is filled from the model.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class InpaintingTests
{
    static readonly SchedulerConfig Config = new() { ClipSample = false, SetAlphaToOne = true };

    static Tensor Image(long seed, long size = 8)
    {
        using var generator = new Generator().manual_seed(seed);
        return rand([1, 1, size, size], generator: generator) * 2 - 1;
    }

    /// <summary>1 (keep) on the left half, 0 (generate) on the right.</summary>
    static Tensor LeftHalfKept(long size = 8)
    {
        var mask = zeros(1, 1, size, size);
        mask[.., .., .., TensorIndex.Slice(0, size / 2)] = tensor(1f);
        return mask;
    }

    static float MaxError(Tensor a, Tensor b, Tensor where) =>
        (a - b).abs().mul(where).max().item<float>();

    [Theory]
    [InlineData("ddim", 0)]
    [InlineData("ddpm", 0)]
    [InlineData("euler_a", 0)]
    [InlineData("ddpm", 3)]
    public void Every_kept_pixel_equals_the_input_exactly(string sampler, int resample)
    {
        manual_seed(1);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
        unet.eval();
        using var imageNoise = new Generator().manual_seed(2);
        using var image = rand([2, 1, 28, 28], generator: imageNoise) * 2 - 1;
        using var mask = LeftHalfKept(28);
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var generator = new Generator().manual_seed(4);
        using var result = resample == 0
            ? Inpainting.Replace(unet, scheduler, image, mask, 4, generator)
            : Inpainting.RePaint(unet, (DdpmScheduler)scheduler, image, mask, 4, jump: 2, resample: resample, generator);
        using var kept = mask.expand_as(image).eq(1);
        Assert.True(result.masked_select(kept).eq(image.masked_select(kept)).all().item<bool>());
        Assert.Equal(2 * 28 * 14, kept.sum().item<long>());
        // The generated half is the model's, not a copy of the input.
        Assert.True(MaxError(result, image, 1 - mask) > 0.1);
    }

    [Theory]
    [InlineData("ddpm", 20)]
    [InlineData("ddim", 10)]
    [InlineData("dpm++", 10)]
    [InlineData("euler", 10)]
    public void Replacement_with_an_exact_denoiser_fills_the_hole_with_the_data_point(string sampler, int steps)
    {
        using var scheduler = SchedulerRegistry.Create(sampler, Config);
        using var target = Image(1);
        using var mask = LeftHalfKept();
        using var input = where(mask.eq(1), target, zeros_like(target));
        var model = new ImageExactDenoiser(target, ((IBetaScheduler)scheduler).Schedule);
        using var generator = new Generator().manual_seed(9);
        using var result = Inpainting.Replace(model, scheduler, input, mask, steps, generator);
        float error = MaxError(result, target, 1 - mask);
        Assert.True(error < 1e-3, $"hole error {error:g3}");
    }

    [Fact]
    public void RePaint_with_an_exact_denoiser_fills_the_hole_with_the_data_point()
    {
        using var scheduler = new DdpmScheduler(Config);
        using var target = Image(1);
        using var mask = LeftHalfKept();
        using var input = where(mask.eq(1), target, zeros_like(target));
        var model = new ImageExactDenoiser(target, ((IBetaScheduler)scheduler).Schedule);
        using var generator = new Generator().manual_seed(9);
        using var result = Inpainting.RePaint(model, scheduler, input, mask, 20, jump: 5, resample: 3, generator);
        float error = MaxError(result, target, 1 - mask);
        Assert.True(error < 1e-3, $"hole error {error:g3}");
    }

    [Fact]
    public void RePaint_with_one_pass_equals_replacement_bit_for_bit()
    {
        manual_seed(3);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
        unet.eval();
        using var imageNoise = new Generator().manual_seed(4);
        using var image = rand([1, 1, 28, 28], generator: imageNoise) * 2 - 1;
        using var mask = LeftHalfKept(28);
        using var scheduler = new DdpmScheduler(Config);
        using var g1 = new Generator().manual_seed(21);
        using var replaced = Inpainting.Replace(unet, scheduler, image, mask, 6, g1);
        using var g2 = new Generator().manual_seed(21);
        using var repainted = Inpainting.RePaint(unet, scheduler, image, mask, 6, jump: 2, resample: 1, g2);
        Assert.True(replaced.eq(repainted).all().item<bool>());
    }

    [Theory]
    [InlineData(10, 1, 1, 10)]
    [InlineData(10, 5, 3, 30)]
    [InlineData(10, 4, 2, 20)]
    public void RePaint_calls_the_model_steps_times_resample(int steps, int jump, int resample, int expected)
    {
        using var scheduler = new DdpmScheduler(Config);
        using var target = Image(1);
        using var mask = LeftHalfKept();
        using var model = new CountingDenoiser(new ImageExactDenoiser(target, ((IBetaScheduler)scheduler).Schedule));
        using var result = Inpainting.RePaint(model, scheduler, target, mask, steps, jump, resample);
        Assert.Equal(expected, model.Calls);
    }

    [Fact]
    public void A_mask_of_another_size_is_refused()
    {
        using var scheduler = new DdimScheduler(Config);
        using var image = Image(1);
        using var mask = LeftHalfKept(6);
        var model = new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule);
        var error = Assert.ThrowsAny<DiffuseException>(() => Inpainting.Replace(model, scheduler, image, mask, 5));
        Assert.Contains("must match in height and width", error.Message);
    }

    [Fact]
    public void A_mask_with_values_other_than_zero_and_one_is_refused()
    {
        using var scheduler = new DdimScheduler(Config);
        using var image = Image(1);
        using var mask = full(new long[] { 1, 1, 8, 8 }, 0.5f);
        var model = new ImageExactDenoiser(image, ((IBetaScheduler)scheduler).Schedule);
        var error = Assert.ThrowsAny<DiffuseException>(() => Inpainting.Replace(model, scheduler, image, mask, 5));
        Assert.Contains("only 0 (generate) and 1 (keep)", error.Message);
    }
}
