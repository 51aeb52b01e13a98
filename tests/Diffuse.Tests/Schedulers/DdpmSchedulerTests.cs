using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class DdpmSchedulerTests
{
    static DdpmScheduler Make(string varianceType = "fixed_small", bool clip = false, string prediction = "epsilon") =>
        new(new SchedulerConfig { VarianceType = varianceType, ClipSample = clip, PredictionType = prediction });

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(999)]
    public void Posterior_coefficients_follow_ho_et_al_eq_7(long t)
    {
        using var ddpm = Make();
        var s = ddpm.Schedule;
        double a = s.AlphaCumprodAt(t), aPrev = s.AlphaCumprodAt(t - 1), beta = s.BetaAt(t), alpha = s.AlphaAt(t);
        var c = ddpm.Posterior(t);
        // μ̃ = sqrt(ᾱ_{t−1})β_t/(1−ᾱ_t)·x_0 + sqrt(α_t)(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t; β̃ = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t
        double c0 = Math.Sqrt(aPrev) * beta / (1 - a);
        double ct = Math.Sqrt(alpha) * (1 - aPrev) / (1 - a);
        double variance = (1 - aPrev) / (1 - a) * beta;
        // diffusers uses β_t ≈ 1 − ᾱ_t/ᾱ_{t−1} in float32, a relative difference up to ~1e-4 at small β.
        Assert.Equal(c0, c.OriginalCoeff, c0 * 2e-4);
        Assert.Equal(ct, c.SampleCoeff, ct * 2e-4);
        Assert.Equal(variance, c.Variance, variance * 2e-4);
    }

    [Fact]
    public void Posterior_at_t_zero_returns_x0_with_floored_variance()
    {
        using var ddpm = Make();
        var c = ddpm.Posterior(0);
        Assert.Equal(1.0, c.OriginalCoeff, 1e-6);
        Assert.Equal(0.0, c.SampleCoeff, 1e-6);
        Assert.Equal(1e-20f, c.Variance);
    }

    [Fact]
    public void Fixed_large_variance_is_beta_t()
    {
        using var ddpm = Make("fixed_large");
        Assert.Equal(ddpm.Schedule.BetaAt(500), ddpm.Posterior(500).Variance, 1e-6);
    }

    [Fact]
    public void Posterior_mean_tensor_is_the_weighted_sum_of_x0_and_xt()
    {
        using var ddpm = Make();
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 0.5f, -1f });
        var xt = tensor(new float[] { 2f, 0.25f });
        var (mean, variance) = ddpm.PosteriorMeanAndVariance(x0, xt, 300);
        var c = ddpm.Posterior(300);
        Assert.Equal(c.OriginalCoeff * 0.5 + c.SampleCoeff * 2, mean[0].item<float>(), 1e-6);
        Assert.Equal(c.OriginalCoeff * -1 + c.SampleCoeff * 0.25, mean[1].item<float>(), 1e-6);
        Assert.Equal(c.Variance, variance);
    }

    [Fact]
    public void Skipping_timesteps_uses_alpha_bar_of_t_minus_T_over_n()
    {
        using var ddpm = Make();
        ddpm.SetTimesteps(10);
        Assert.Equal([900L, 800, 700, 600, 500, 400, 300, 200, 100, 0], ddpm.Timesteps);
        Assert.Equal(400, ddpm.PreviousTimestep(500));
        var s = ddpm.Schedule;
        double a = s.AlphaCumprodAt(500), aPrev = s.AlphaCumprodAt(400);
        double beta = 1 - a / aPrev;
        var c = ddpm.Posterior(500);
        Assert.Equal(Math.Sqrt(aPrev) * beta / (1 - a), c.OriginalCoeff, 1e-5);
        Assert.Equal(Math.Sqrt(a / aPrev) * (1 - aPrev) / (1 - a), c.SampleCoeff, 1e-5);
        Assert.Equal((1 - aPrev) / (1 - a) * beta, c.Variance, 1e-6);
    }

    [Theory]
    [InlineData("fixed_small", 10L)]
    [InlineData("fixed_small", 600L)]
    [InlineData("fixed_large", 600L)]
    public void Step_samples_have_the_posterior_mean_and_variance(string varianceType, long t)
    {
        using var ddpm = Make(varianceType, prediction: "sample");
        using var scope = NewDisposeScope();
        const int n = 200_000;
        var x0 = full(n, 0.3f);
        var xt = full(n, -0.8f);
        using var step = ddpm.Step(x0, t, xt, new Generator(seed: 11));
        var c = ddpm.Posterior(t);
        double mean = c.OriginalCoeff * 0.3 + c.SampleCoeff * -0.8;
        double sd = Math.Sqrt(c.Variance);
        Assert.Equal(mean, step.PrevSample.mean().item<float>(), 5 * sd / Math.Sqrt(n) + 1e-6);
        Assert.Equal(c.Variance, step.PrevSample.var().item<float>(), 0.02 * c.Variance);
    }

    [Fact]
    public void Step_at_t_zero_adds_no_noise()
    {
        using var ddpm = Make();
        using var scope = NewDisposeScope();
        var eps = randn([2, 4], generator: new Generator(seed: 5));
        var x = randn([2, 4], generator: new Generator(seed: 6));
        using var a = ddpm.Step(eps, 0, x, new Generator(seed: 1));
        using var b = ddpm.Step(eps, 0, x, new Generator(seed: 2));
        Assert.True(a.PrevSample.allclose(b.PrevSample, rtol: 0, atol: 0));
        Assert.True(a.PrevSample.allclose(a.PredOriginalSample, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Step_with_the_same_seed_is_reproducible_and_with_another_differs()
    {
        using var ddpm = Make();
        using var scope = NewDisposeScope();
        var eps = randn([2, 4], generator: new Generator(seed: 5));
        var x = randn([2, 4], generator: new Generator(seed: 6));
        using var a = ddpm.Step(eps, 500, x, new Generator(seed: 1));
        using var b = ddpm.Step(eps, 500, x, new Generator(seed: 1));
        using var c = ddpm.Step(eps, 500, x, new Generator(seed: 2));
        Assert.True(a.PrevSample.allclose(b.PrevSample, rtol: 0, atol: 0));
        Assert.False(a.PrevSample.allclose(c.PrevSample, rtol: 0, atol: 0));
    }

    [Fact]
    public void Clip_sample_clamps_the_predicted_x0_to_the_range()
    {
        using var ddpm = new DdpmScheduler(new SchedulerConfig { ClipSampleRange = 0.5, PredictionType = "sample" });
        using var scope = NewDisposeScope();
        using var step = ddpm.Step(tensor(new float[] { -3f, 0.2f, 3f }), 0, zeros(3));
        Assert.Equal([-0.5f, 0.2f, 0.5f], step.PredOriginalSample.data<float>().ToArray());
    }

    [Fact]
    public void Unsupported_variance_type_is_rejected()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => Make("learned_range"));
        Assert.Equal("ddpm: unsupported variance_type 'learned_range' (expected fixed_small, fixed_large)", e.Message);
    }

    [Fact]
    public void Thresholding_replaces_clipping_of_the_predicted_x0()
    {
        // ratio 0.5 over |x0| = {0.5, 1, 2, 4}: the quantile is 1.5, within [1, sample_max_value 3], so x0 is
        // clamped to ±1.5 and divided by 1.5 (Saharia et al. 2022, §2.3), not clipped to ±1.
        using var ddpm = new DdpmScheduler(new SchedulerConfig
        {
            PredictionType = "sample", Thresholding = true, DynamicThresholdingRatio = 0.5, SampleMaxValue = 3.0,
        });
        using var scope = NewDisposeScope();
        using var step = ddpm.Step(tensor(new float[] { -0.5f, 1f, 2f, -4f }).reshape(1, 4), 0, zeros(1, 4));
        var expected = new[] { -0.5f / 1.5f, 1f / 1.5f, 1f, -1f };
        var actual = step.PredOriginalSample.data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Model_output_of_another_shape_is_rejected()
    {
        using var ddpm = Make();
        using var scope = NewDisposeScope();
        Assert.ThrowsAny<DiffuseException>(() => ddpm.Step(zeros(2, 2), 10, zeros(2, 1)));
    }
}
