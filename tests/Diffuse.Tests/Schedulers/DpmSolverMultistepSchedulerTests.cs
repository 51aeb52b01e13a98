using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class DpmSolverMultistepSchedulerTests
{
    [Theory]
    [InlineData("leading", new double[] { 900, 810, 720, 630, 540, 450, 360, 270, 180, 90 })]
    [InlineData("linspace", new double[] { 999, 899, 799, 699, 599, 500, 400, 300, 200, 100 })]
    [InlineData("trailing", new double[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    public void Ten_steps_visit_diffusers_dpm_solver_timesteps(string spacing, double[] expected)
    {
        using var dpm = new DpmSolverMultistepScheduler(new SchedulerConfig { TimestepSpacing = spacing });
        dpm.SetTimesteps(10);
        Assert.Equal(expected, dpm.Timesteps);
        Assert.Equal(11, dpm.Sigmas.Count);
        Assert.Equal(0f, dpm.Sigmas[^1]);
    }

    [Fact]
    public void Karras_timesteps_span_the_schedule_and_the_last_sigma_is_repeated()
    {
        using var dpm = new DpmSolverMultistepScheduler(new SchedulerConfig { UseKarrasSigmas = true });
        dpm.SetTimesteps(10);
        Assert.Equal(999.0, dpm.Timesteps[0]);
        Assert.Equal(0.0, dpm.Timesteps[^1]);
        Assert.All(dpm.Timesteps, t => Assert.Equal(Math.Floor(t), t));
        Assert.Equal(157.4, dpm.Sigmas[0], 0.1);
        Assert.Equal(dpm.Sigmas[^2], dpm.Sigmas[^1]);
        Assert.Equal(0.0100005, dpm.Sigmas[^1], 1e-6);
    }

    [Fact]
    public void Lambda_min_clipped_drops_the_noisiest_timesteps()
    {
        // λ_999 ≈ −5.05 for the linear schedule; clipping at −4 keeps only timesteps with λ ≥ −4.
        using var dpm = new DpmSolverMultistepScheduler(new SchedulerConfig { TimestepSpacing = "linspace", LambdaMinClipped = -4 });
        dpm.SetTimesteps(10);
        Assert.InRange(dpm.Timesteps[0], 700, 990);
        double a = dpm.Schedule.AlphaCumprodAt((long)dpm.Timesteps[0]);
        Assert.True(0.5 * Math.Log(a / (1 - a)) >= -4);
    }

    [Fact]
    public void Thresholding_clamps_the_predicted_x0_per_sample()
    {
        using var dpm = new DpmSolverMultistepScheduler(new SchedulerConfig { Thresholding = true, PredictionType = "sample" });
        dpm.SetTimesteps(10);
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { -3f, 0.5f, 2f, 0.25f }).reshape(2, 2);
        using var step = dpm.Step(x0, dpm.Timesteps[0], zeros(2, 2));
        // sample_max_value 1 clamps s to 1: plain clipping to [−1, 1].
        Assert.Equal([-1f, 0.5f, 1f, 0.25f], step.PredOriginalSample.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Dynamic_threshold_is_the_quantile_of_abs_x0_within_the_limits()
    {
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 0f, 1f, 2f, 3f, 4f }).reshape(1, 5);
        var thresholded = DynamicThresholding.Apply(x0, ratio: 0.5, sampleMaxValue: 10);
        // The median of |x0| is 2: clamp to [−2, 2] and divide by 2.
        Assert.Equal([0f, 0.5f, 1f, 1f, 1f], thresholded.flatten().data<float>().ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_order_stays_finite_on_random_model_outputs(int order)
    {
        using var dpm = new DpmSolverMultistepScheduler(new SchedulerConfig { SolverOrder = order, UseKarrasSigmas = true });
        dpm.SetTimesteps(8);
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(seed: 3);
        var x = randn([2, 3], generator: generator);
        foreach (var t in dpm.Timesteps)
        {
            using var step = dpm.Step(randn([2, 3], generator: generator), t, x);
            x = step.PrevSample.clone();
        }
        Assert.True(x.isfinite().all().item<bool>());
    }

    [Fact]
    public void Unsupported_settings_are_rejected_naming_the_key()
    {
        Assert.Contains("final_sigmas_type", Assert.ThrowsAny<DiffuseException>(() =>
            new DpmSolverMultistepScheduler(new SchedulerConfig { AlgorithmType = "dpmsolver" })).Message);
        Assert.Contains("solver_order", Assert.ThrowsAny<DiffuseException>(() =>
            new DpmSolverMultistepScheduler(new SchedulerConfig { SolverOrder = 4 })).Message);
        Assert.Contains("algorithm_type", Assert.ThrowsAny<DiffuseException>(() =>
            new DpmSolverMultistepScheduler(new SchedulerConfig { AlgorithmType = "sde-dpmsolver++" })).Message);
        Assert.Contains("use_lu_lambdas", Assert.ThrowsAny<DiffuseException>(() =>
            new DpmSolverMultistepScheduler(new SchedulerConfig { UseLuLambdas = true })).Message);
        Assert.Contains("solver_type", Assert.ThrowsAny<DiffuseException>(() =>
            new DpmSolverMultistepScheduler(new SchedulerConfig { SolverType = "rk4" })).Message);
    }
}
