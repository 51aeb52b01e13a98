using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

[Collection(GlobalRngCollection.Name)]
public sealed class SuperResolutionConditioningTests
{
    /// <summary>Predicts x₀ (prediction_type "sample") as its image condition: the bicubic image itself.</summary>
    private sealed class ConditionAsOriginal : IDenoiser
    {
        public Tensor Predict(Tensor sample, Tensor timesteps, Conditioning? conditioning = null) =>
            conditioning!.ImageCondition!.clone();
    }

    [Fact]
    public void The_condition_is_the_bicubic_low_resolution_image()
    {
        using var generator = new Generator().manual_seed(3);
        using var low = rand([2, 3, 4, 4], generator: generator) * 2 - 1;
        var condition = SuperResolution.Condition(low, 2);
        using var image = condition.ImageCondition!;
        using var expected = LowResolution.Upsample(low, 2);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, image.shape);
        Assert.True(image.eq(expected).all().item<bool>());
    }

    [Fact]
    public void A_unet_sees_x_t_then_the_image_condition_on_the_channel_axis()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8, superresScale: 2));
        using var generator = new Generator().manual_seed(3);
        var xt = randn([2, 1, 8, 8], generator: generator);
        var image = randn([2, 1, 8, 8], generator: generator);
        var t = tensor(new[] { 500f });
        using var noGrad = no_grad();
        var conditioned = unet.Predict(xt, t, new Conditioning { ImageCondition = image });
        var concatenated = unet.Predict(cat([xt, image], 1), t);
        Assert.True(conditioned.eq(concatenated).all().item<bool>(), "the network must see exactly cat([x_t, image], dim 1)");
    }

    [Fact]
    public void A_condition_whose_batch_does_not_match_the_samples_is_refused()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8, superresScale: 2));
        var e = Assert.ThrowsAny<DiffuseException>(() => unet.Predict(zeros(3, 1, 8, 8), tensor(new[] { 1f }), new Conditioning { ImageCondition = zeros(2, 1, 8, 8) }));
        Assert.Contains("ImageCondition has 2 entries for a batch of 3", e.Message);
    }

    [Fact]
    public void A_super_resolution_unet_without_its_image_condition_says_so()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8, superresScale: 2));
        var e = Assert.ThrowsAny<DiffuseException>(() => unet.Predict(zeros(1, 1, 8, 8), tensor(new[] { 1f })));
        Assert.Contains("expects an image condition", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_model_whose_x0_is_its_condition_upscales_to_the_bicubic_image(int average)
    {
        // DDIM with x₀-prediction ends on the predicted x₀ (ᾱ at the last step is 1), so the loop returns up(x_low)
        // whatever the noise, and the mean of several such samples is that image too.
        var config = new SchedulerConfig { PredictionType = PredictionTypes.Sample, ClipSample = true };
        using var scheduler = new DdimScheduler(config);
        using var generator = new Generator().manual_seed(1);
        using var low = rand([2, 1, 7, 7], generator: generator) * 2 - 1;
        using var result = SuperResolution.Upscale(new ConditionAsOriginal(), scheduler, low, 2, steps: 5, generator, average);
        using var bicubic = LowResolution.Upsample(low, 2);
        Assert.Equal(new long[] { 2, 1, 14, 14 }, result.shape);
        Assert.Equal(0, (result - bicubic).abs().max().item<float>(), 5);
    }
}
