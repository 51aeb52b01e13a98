using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class DdimInverseSchedulerTests
{
    static SchedulerConfig Config(string spacing = "leading", int offset = 0, bool? setAlphaToOne = null, string prediction = "epsilon") =>
        new() { TimestepSpacing = spacing, StepsOffset = offset, ClipSample = false, SetAlphaToOne = setAlphaToOne, PredictionType = prediction };

    [Theory]
    [InlineData("leading", 0, new long[] { 0, 100, 200, 300, 400, 500, 600, 700, 800, 900 })]
    [InlineData("leading", 1, new long[] { 1, 101, 201, 301, 401, 501, 601, 701, 801, 901 })]
    [InlineData("trailing", 0, new long[] { 99, 199, 299, 399, 499, 599, 699, 799, 899, 999 })]
    public void Ten_steps_visit_diffusers_inverse_timesteps(string spacing, int offset, long[] expected)
    {
        // diffusers' DDIMInverseScheduler.set_timesteps: arange(0, n)·(T//n) + offset, or trailing's round(arange(T, 0, −T/n))[::-1] − 1.
        using var inverse = new DdimInverseScheduler(Config(spacing, offset));
        inverse.SetTimesteps(10);
        Assert.Equal(expected.Select(t => (double)t), inverse.Timesteps);
    }

    [Theory]
    [InlineData("leading", 7)]
    [InlineData("leading", 50)]
    [InlineData("trailing", 61)]
    [InlineData("linspace", 13)]
    public void Timesteps_are_the_forward_ddim_timesteps_reversed(string spacing, int steps)
    {
        using var forward = new DdimScheduler(Config(spacing));
        using var inverse = new DdimInverseScheduler(Config(spacing));
        forward.SetTimesteps(steps);
        inverse.SetTimesteps(steps);
        Assert.Equal(forward.Timesteps.Reverse(), inverse.Timesteps);
        // Each inverse step starts from the level the forward step at the same timestep lands on.
        foreach (var t in forward.Timesteps) Assert.Equal(forward.PreviousTimestep((long)t), inverse.CurrentTimestep((long)t));
    }

    [Fact]
    public void Step_goes_from_alpha_bar_at_t_minus_T_over_n_to_alpha_bar_at_t()
    {
        using var inverse = new DdimInverseScheduler(Config());
        inverse.SetTimesteps(10);
        using var scope = NewDisposeScope();
        using var step = inverse.Step(full(3, 0.1f), 500, full(3, 0.4f));
        double a = inverse.Schedule.AlphaCumprodAt(400), next = inverse.Schedule.AlphaCumprodAt(500);
        double x0 = (0.4 - Math.Sqrt(1 - a) * 0.1) / Math.Sqrt(a);
        Assert.Equal(Math.Sqrt(next) * x0 + Math.Sqrt(1 - next) * 0.1, step.PrevSample[0].item<float>(), 1e-6);
        Assert.Equal(x0, step.PredOriginalSample[0].item<float>(), 1e-6);
    }

    [Fact]
    public void First_step_starts_from_alpha_bar_one_or_alpha_bar_zero_per_set_alpha_to_one()
    {
        using var scope = NewDisposeScope();
        foreach (var (setAlphaToOne, alphaFrom) in new[] { (true, 1.0), (false, 0.9999) })
        {
            using var inverse = new DdimInverseScheduler(Config(setAlphaToOne: setAlphaToOne));
            inverse.SetTimesteps(10);
            Assert.Equal(0, inverse.Timesteps[0]);
            using var step = inverse.Step(full(3, 0.1f), 0, full(3, 0.4f));
            double next = inverse.Schedule.AlphaCumprodAt(0);
            double x0 = (0.4 - Math.Sqrt(1 - alphaFrom) * 0.1) / Math.Sqrt(alphaFrom);
            Assert.Equal(Math.Sqrt(next) * x0 + Math.Sqrt(1 - next) * 0.1, step.PrevSample[0].item<float>(), 1e-6);
        }
    }

    [Fact]
    public void First_step_of_an_x0_prediction_model_keeps_the_image_where_epsilon_would_divide_by_zero()
    {
        using var inverse = new DdimInverseScheduler(Config(prediction: "sample"));
        inverse.SetTimesteps(10);
        using var scope = NewDisposeScope();
        var image = tensor(new[] { 0.4f, -0.2f, 0.7f });
        using var step = inverse.Step(tensor(new[] { 0.3f, -0.1f, 0.5f }), 0, image);
        Assert.True(step.PrevSample.sub(image).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void Step_before_set_timesteps_is_rejected()
    {
        using var inverse = new DdimInverseScheduler(Config());
        using var scope = NewDisposeScope();
        var e = Assert.ThrowsAny<DiffuseException>(() => inverse.Step(zeros(2), 10, zeros(2)));
        Assert.Equal("ddim inversion: call SetTimesteps before Step", e.Message);
    }
}
