using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class HeunDiscreteSchedulerTests
{
    [Fact]
    public void Interior_timesteps_are_listed_twice()
    {
        using var heun = new HeunDiscreteScheduler(new SchedulerConfig());
        heun.SetTimesteps(5);
        Assert.Equal([800.0, 600, 600, 400, 400, 200, 200, 0, 0], heun.Timesteps);
        Assert.Equal(10, heun.Sigmas.Count);
        Assert.Equal(heun.Sigmas[1], heun.Sigmas[2]);
        Assert.Equal(0f, heun.Sigmas[^1]);
        Assert.Equal(2, heun.Order);
    }

    [Fact]
    public void Predictor_and_corrector_alternate_and_the_corrector_averages_the_slopes()
    {
        // With x_0 predicted as 0 the slope is x/σ at both ends, so Heun's step is x·(1 + (σ_next/σ − 1)).
        using var heun = new HeunDiscreteScheduler(new SchedulerConfig { PredictionType = "sample", ClipSample = false });
        heun.SetTimesteps(4);
        var t = heun.Timesteps;
        using var scope = NewDisposeScope();
        var x = full(3, 2f);
        Assert.True(heun.StateInFirstOrder);
        using var predictor = heun.Step(zeros(3), t[0], x);
        Assert.False(heun.StateInFirstOrder);
        float sigma = heun.Sigmas[0], sigmaNext = heun.Sigmas[1];
        Assert.Equal(2f * sigmaNext / sigma, predictor.PrevSample[0].item<float>(), 1e-5);
        using var corrector = heun.Step(zeros(3), t[1], predictor.PrevSample);
        Assert.True(heun.StateInFirstOrder);
        double slope = (2.0 / sigma + predictor.PrevSample[0].item<float>() / sigmaNext) / 2;
        Assert.Equal(2 + slope * (sigmaNext - sigma), corrector.PrevSample[0].item<float>(), 1e-4);
    }

    [Fact]
    public void Linspace_timesteps_are_fractional_float32_values()
    {
        using var heun = new HeunDiscreteScheduler(new SchedulerConfig { TimestepSpacing = "linspace" });
        heun.SetTimesteps(7);
        Assert.Equal([999.0, 832.5, 832.5, 666.0, 666.0, 499.5, 499.5, 333.0, 333.0, 166.5, 166.5, 0.0, 0.0], heun.Timesteps);
        Assert.Equal(heun.Sigmas.Max(), (float)heun.InitNoiseSigma);
    }
}
