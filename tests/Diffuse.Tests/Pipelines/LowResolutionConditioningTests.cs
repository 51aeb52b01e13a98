using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

public sealed class LowResolutionConditioningTests
{
    /// <summary>Keeps a copy of every input and returns the first C channels of it (the x_t part).</summary>
    private sealed class RecordingDenoiser : IDenoiser, IDisposable
    {
        public List<Tensor> Inputs { get; } = [];

        public Tensor Predict(Tensor sample, Tensor timesteps, Tensor? classLabels = null)
        {
            Inputs.Add(sample.clone().DetachFromDisposeScope());
            return sample.narrow(1, 0, sample.shape[1] / 2).clone();
        }

        public void Dispose()
        {
            foreach (var input in Inputs) input.Dispose();
        }
    }

    /// <summary>Predicts x₀ (prediction_type "sample") as its condition channels: the bicubic image itself.</summary>
    private sealed class ConditionAsOriginal : IDenoiser
    {
        public Tensor Predict(Tensor sample, Tensor timesteps, Tensor? classLabels = null) =>
            sample.narrow(1, sample.shape[1] / 2, sample.shape[1] / 2).clone();
    }

    [Fact]
    public void The_network_sees_x_t_then_the_bicubic_low_resolution_image_on_the_channel_axis()
    {
        using var recorder = new RecordingDenoiser();
        using var generator = new Generator().manual_seed(3);
        using var low = rand([2, 3, 4, 4], generator: generator) * 2 - 1;
        using var xt = randn([2, 3, 8, 8], generator: generator);
        using var conditioned = LowResolutionConditioning.FromLowResolution(recorder, low, 2);
        using var output = conditioned.Predict(xt, tensor(new[] { 500f }));

        using var expected = cat([xt, LowResolution.Upsample(low, 2)], 1);
        var input = Assert.Single(recorder.Inputs);
        Assert.Equal(new long[] { 2, 6, 8, 8 }, input.shape);
        Assert.True(input.eq(expected).all().item<bool>(), "the input must be exactly cat([x_t, up(x_low)], dim 1)");
        Assert.True(output.eq(xt).all().item<bool>());
    }

    [Fact]
    public void A_batch_that_does_not_match_the_conditioning_is_refused()
    {
        using var recorder = new RecordingDenoiser();
        using var low = zeros(2, 1, 4, 4);
        using var conditioned = LowResolutionConditioning.FromLowResolution(recorder, low, 2);
        using var xt = zeros(3, 1, 8, 8);
        using var t = tensor(new[] { 1f });
        Assert.Throws<DiffuseException>(() => conditioned.Predict(xt, t));
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
