using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class PndmSchedulerTests
{
    [Fact]
    public void Runge_kutta_warm_up_visits_half_steps_then_plms_the_rest()
    {
        using var pndm = new PndmScheduler(new SchedulerConfig());
        pndm.SetTimesteps(5);
        Assert.Equal([800.0, 700, 700, 600, 600, 500, 500, 400, 400, 300, 300, 200, 200, 0], pndm.Timesteps);
    }

    [Fact]
    public void Skipping_prk_repeats_the_second_timestep()
    {
        using var plms = new PndmScheduler(new SchedulerConfig { SkipPrkSteps = true });
        plms.SetTimesteps(5);
        Assert.Equal([800.0, 600, 600, 400, 200, 0], plms.Timesteps);
    }

    [Fact]
    public void A_step_with_the_true_noise_is_the_ddim_step()
    {
        // Eq. 9 is DDIM's deterministic update: x_t built from (x_0, ε) moves to the same (x_0, ε) at t − δ.
        using var plms = new PndmScheduler(new SchedulerConfig { SkipPrkSteps = true });
        plms.SetTimesteps(5);
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 0.3f, -0.6f });
        var eps = tensor(new float[] { 1.2f, 0.4f });
        var xt = plms.Schedule.AddNoise(x0, eps, tensor(new long[] { 800, 800 }));
        using var step = plms.Step(eps, 800, xt);
        var expected = plms.Schedule.AddNoise(x0, eps, tensor(new long[] { 600, 600 }));
        Assert.True(step.PrevSample.sub(expected).abs().max().item<float>() < 1e-5);
        Assert.True(step.PredOriginalSample.sub(x0).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Set_alpha_to_one_is_false_by_default_for_pndm()
    {
        using var scope = NewDisposeScope();
        foreach (var (setAlphaToOne, expectedAlpha) in new[] { ((bool?)null, 0.9999), (true, 1.0) })
        {
            using var plms = new PndmScheduler(new SchedulerConfig { SkipPrkSteps = true, SetAlphaToOne = setAlphaToOne });
            plms.SetTimesteps(1);
            using var step = plms.Step(zeros(1), 0, full(1, 0.5f));
            double a0 = plms.Schedule.AlphaCumprodAt(0);
            Assert.Equal(Math.Sqrt(expectedAlpha / a0) * 0.5, step.PrevSample[0].item<float>(), 1e-5);
        }
    }

    [Fact]
    public void Too_few_steps_for_the_warm_up_and_sample_prediction_are_rejected()
    {
        using var pndm = new PndmScheduler(new SchedulerConfig());
        Assert.Contains("skip_prk_steps", Assert.ThrowsAny<DiffuseException>(() => pndm.SetTimesteps(3)).Message);
        Assert.Contains("prediction_type", Assert.ThrowsAny<DiffuseException>(() =>
            new PndmScheduler(new SchedulerConfig { PredictionType = "sample" })).Message);
        Assert.ThrowsAny<DiffuseException>(() => pndm.Step(zeros(1), 0, zeros(1)));
    }
}
