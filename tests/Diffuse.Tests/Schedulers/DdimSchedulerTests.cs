using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class DdimSchedulerTests
{
    static DdimScheduler Make(string spacing = "leading", double eta = 0, bool clip = false, bool? setAlphaToOne = null) =>
        new(new SchedulerConfig { TimestepSpacing = spacing, ClipSample = clip, SetAlphaToOne = setAlphaToOne }, eta);

    [Theory]
    [InlineData("leading", new long[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 })]
    [InlineData("trailing", new long[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    [InlineData("linspace", new long[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    public void Ten_steps_visit_diffusers_timesteps(string spacing, long[] expected)
    {
        using var ddim = Make(spacing);
        ddim.SetTimesteps(10);
        Assert.Equal(expected.Select(t => (double)t), ddim.Timesteps);
    }

    [Fact]
    public void Eta_zero_is_deterministic()
    {
        using var ddim = Make(clip: true);
        ddim.SetTimesteps(10);
        using var scope = NewDisposeScope();
        var eps = randn([2, 1, 4, 4], generator: new Generator(seed: 1));
        var x = randn([2, 1, 4, 4], generator: new Generator(seed: 2));
        using var a = ddim.Step(eps, 500, x, new Generator(seed: 3));
        using var b = ddim.Step(eps, 500, x, new Generator(seed: 4));
        Assert.True(a.PrevSample.allclose(b.PrevSample, rtol: 0, atol: 0));
    }

    [Fact]
    public void Eta_above_zero_is_stochastic_and_reproducible_with_a_seed()
    {
        using var ddim = Make(eta: 0.5);
        ddim.SetTimesteps(10);
        using var scope = NewDisposeScope();
        var eps = randn([2, 1, 4, 4], generator: new Generator(seed: 1));
        var x = randn([2, 1, 4, 4], generator: new Generator(seed: 2));
        using var a = ddim.Step(eps, 500, x, new Generator(seed: 3));
        using var b = ddim.Step(eps, 500, x, new Generator(seed: 3));
        using var c = ddim.Step(eps, 500, x, new Generator(seed: 4));
        Assert.True(a.PrevSample.allclose(b.PrevSample, rtol: 0, atol: 0));
        Assert.False(a.PrevSample.allclose(c.PrevSample, rtol: 0, atol: 0));
    }

    [Fact]
    public void Eta_zero_with_the_true_noise_lands_on_the_forward_process_at_t_prev()
    {
        // With ε̂ = ε, eq. 12 gives x_{t_prev} = sqrt(ᾱ_prev)·x_0 + sqrt(1 − ᾱ_prev)·ε exactly.
        using var ddim = Make();
        ddim.SetTimesteps(20);
        using var scope = NewDisposeScope();
        var gen = new Generator(seed: 9);
        var x0 = randn([2, 3], generator: gen);
        var eps = randn([2, 3], generator: gen);
        var xt = ddim.Schedule.AddNoise(x0, eps, tensor(new long[] { 650, 650 }));
        using var step = ddim.Step(eps, 650, xt);
        var expected = ddim.Schedule.AddNoise(x0, eps, tensor(new long[] { 600, 600 }));
        Assert.True(step.PrevSample.sub(expected).abs().max().item<float>() < 1e-5);
        Assert.True(step.PredOriginalSample.sub(x0).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Eta_one_noise_has_ddpm_posterior_variance_when_steps_are_consecutive()
    {
        // σ_t(η=1)² = β̃_t (Song et al. 2021, eq. 16 and the remark after it).
        using var ddim = Make(eta: 1);
        using var ddpm = new DdpmScheduler(new SchedulerConfig());
        ddim.SetTimesteps(1000);
        Assert.Equal(ddpm.Posterior(400).Variance, ddim.Variance(400), 1e-9);
    }

    [Fact]
    public void Eta_scales_the_standard_deviation_of_the_step()
    {
        using var ddim = Make(eta: 0.8);
        ddim.SetTimesteps(10);
        using var scope = NewDisposeScope();
        const int n = 200_000;
        var eps = zeros(n);
        var x = full(n, 0.5f);
        using var step = ddim.Step(eps, 500, x, new Generator(seed: 21));
        double variance = 0.64 * ddim.Variance(500);
        Assert.Equal(variance, step.PrevSample.var().item<float>(), 0.02 * variance);
    }

    [Fact]
    public void Last_step_uses_alpha_bar_one_or_alpha_bar_zero_per_set_alpha_to_one()
    {
        using var scope = NewDisposeScope();
        var x = full(3, 0.4f);
        var eps = full(3, 0.1f);
        foreach (var (setAlphaToOne, alphaPrev) in new[] { (true, 1.0), (false, 0.9999) })
        {
            using var ddim = Make(setAlphaToOne: setAlphaToOne);
            ddim.SetTimesteps(10);
            using var step = ddim.Step(eps, 0, x);
            double a = ddim.Schedule.AlphaCumprodAt(0);
            double x0 = (0.4 - Math.Sqrt(1 - a) * 0.1) / Math.Sqrt(a);
            double expected = Math.Sqrt(alphaPrev) * x0 + Math.Sqrt(1 - alphaPrev) * 0.1;
            Assert.Equal(expected, step.PrevSample[0].item<float>(), 1e-5);
        }
    }

    [Fact]
    public void Step_before_set_timesteps_is_rejected()
    {
        using var ddim = Make();
        using var scope = NewDisposeScope();
        var e = Assert.ThrowsAny<DiffuseException>(() => ddim.Step(zeros(2), 10, zeros(2)));
        Assert.Equal("ddim: call SetTimesteps before Step", e.Message);
    }

    [Fact]
    public void Negative_eta_is_rejected()
    {
        Assert.ThrowsAny<DiffuseException>(() => Make(eta: -0.1));
    }

    [Fact]
    public void Scale_model_input_returns_the_sample_unchanged()
    {
        using var ddim = Make();
        using var x = tensor(new float[] { 1f, 2f });
        using var scaled = ddim.ScaleModelInput(x, 10);
        Assert.True(scaled.allclose(x, rtol: 0, atol: 0));
        Assert.Equal(1.0, ddim.InitNoiseSigma);
        Assert.Equal(1, ddim.Order);
    }
}
