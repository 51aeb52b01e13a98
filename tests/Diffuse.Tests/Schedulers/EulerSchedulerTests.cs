using Diffuse.Schedulers;
using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

public sealed class EulerSchedulerTests
{
    [Fact]
    public void Leading_init_noise_sigma_is_sqrt_of_max_sigma_squared_plus_one()
    {
        using var euler = new EulerDiscreteScheduler(new SchedulerConfig());
        euler.SetTimesteps(20);
        Assert.Equal(950.0, euler.Timesteps[0]);
        float max = euler.Sigmas[0];
        Assert.Equal(MathF.Sqrt(max * max + 1), (float)euler.InitNoiseSigma);
        Assert.Equal(21, euler.Sigmas.Count);
    }

    [Fact]
    public void Scale_model_input_divides_by_sqrt_sigma_squared_plus_one()
    {
        using var euler = new EulerDiscreteScheduler(new SchedulerConfig());
        euler.SetTimesteps(10);
        using var x = full(2, 3f);
        using var scaled = euler.ScaleModelInput(x, euler.Timesteps[0]);
        float sigma = euler.Sigmas[0];
        Assert.Equal(3 / Math.Sqrt(sigma * sigma + 1), scaled[0].item<float>(), 1e-6);
    }

    [Fact]
    public void Final_sigma_follows_final_sigmas_type()
    {
        using var zero = new EulerDiscreteScheduler(new SchedulerConfig());
        using var sigmaMin = new EulerDiscreteScheduler(new SchedulerConfig { FinalSigmasType = "sigma_min" });
        zero.SetTimesteps(10);
        sigmaMin.SetTimesteps(10);
        Assert.Equal(0f, zero.Sigmas[^1]);
        Assert.Equal(0.0100005, sigmaMin.Sigmas[^1], 1e-6);
    }

    [Fact]
    public void Karras_sigmas_run_from_the_first_to_the_last_timestep_sigma_with_fractional_timesteps()
    {
        using var plain = new EulerDiscreteScheduler(new SchedulerConfig());
        using var karras = new EulerDiscreteScheduler(new SchedulerConfig { UseKarrasSigmas = true });
        plain.SetTimesteps(10);
        karras.SetTimesteps(10);
        Assert.Equal(plain.Sigmas[0], karras.Sigmas[0], 1e-3);
        Assert.Equal(plain.Sigmas[9], karras.Sigmas[9], 1e-6);
        Assert.Equal(900.0, karras.Timesteps[0], 1e-3);
        Assert.Equal(0.0, karras.Timesteps[9], 1e-3);
        Assert.Contains(karras.Timesteps, t => t != Math.Floor(t));
    }

    [Fact]
    public void Ancestral_noise_is_reproducible_from_a_seed()
    {
        using var scope = NewDisposeScope();
        var eps = randn([2, 4], generator: new Generator(seed: 5));
        var x = randn([2, 4], generator: new Generator(seed: 6));
        Tensor Run(ulong seed)
        {
            using var euler = new EulerAncestralDiscreteScheduler(new SchedulerConfig());
            euler.SetTimesteps(10);
            using var step = euler.Step(eps, euler.Timesteps[2], x, new Generator(seed: seed));
            return step.PrevSample.clone();
        }
        Assert.True(Run(1).allclose(Run(1), rtol: 0, atol: 0));
        Assert.False(Run(1).allclose(Run(2), rtol: 0, atol: 0));
    }

    [Fact]
    public void Ancestral_noise_has_standard_deviation_sigma_up()
    {
        // σ_up = σ_next·sqrt(σ² − σ_next²)/σ, σ_down = sqrt(σ_next² − σ_up²); with x̂_0 = 0 the mean is x·σ_down/σ.
        using var euler = new EulerAncestralDiscreteScheduler(new SchedulerConfig { PredictionType = "v_prediction" });
        euler.SetTimesteps(10);
        int i = 3;
        double sigma = euler.Sigmas[i], next = euler.Sigmas[i + 1];
        double up = next * Math.Sqrt(sigma * sigma - next * next) / sigma;
        double down = Math.Sqrt(next * next - up * up);
        using var scope = NewDisposeScope();
        const int n = 200_000;
        var x = full(n, 1f);
        // v = x/(σ·sqrt(σ²+1)) makes x̂_0 = −σ/sqrt(σ²+1)·v + x/(σ²+1) = 0.
        var v = full(n, (float)(1 / (sigma * Math.Sqrt(sigma * sigma + 1))));
        for (int k = 0; k < i; k++) euler.Step(zeros(1), euler.Timesteps[k], zeros(1), new Generator(seed: 1)).Dispose();
        using var step = euler.Step(v, euler.Timesteps[i], x, new Generator(seed: 3));
        Assert.Equal(down / sigma, step.PrevSample.mean().item<float>(), 0.01);
        Assert.Equal(up, Math.Sqrt(step.PrevSample.var().item<float>()), 0.01 * up);
    }

    [Fact]
    public void Ancestral_with_eta_zero_is_the_deterministic_euler_step()
    {
        var config = new SchedulerConfig();
        using var ancestral = new EulerAncestralDiscreteScheduler(config) { Eta = 0 };
        using var euler = new EulerDiscreteScheduler(config);
        ancestral.SetTimesteps(10);
        euler.SetTimesteps(10);
        using var scope = NewDisposeScope();
        var eps = randn([2, 4], generator: new Generator(seed: 5));
        var x = randn([2, 4], generator: new Generator(seed: 6));
        using var a = ancestral.Step(eps, ancestral.Timesteps[0], x, new Generator(seed: 1));
        using var b = euler.Step(eps, euler.Timesteps[0], x);
        Assert.True(a.PrevSample.allclose(b.PrevSample, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Churn_raises_sigma_with_seeded_noise_and_zero_churn_is_deterministic()
    {
        using var scope = NewDisposeScope();
        var eps = randn([2, 4], generator: new Generator(seed: 5));
        var x = randn([2, 4], generator: new Generator(seed: 6));
        Tensor Run(double churn, ulong seed)
        {
            using var euler = new EulerDiscreteScheduler(new SchedulerConfig()) { SChurn = churn };
            euler.SetTimesteps(10);
            using var step = euler.Step(eps, euler.Timesteps[0], x, new Generator(seed: seed));
            return step.PrevSample.clone();
        }
        Assert.True(Run(0, 1).allclose(Run(0, 2), rtol: 0, atol: 0));
        Assert.True(Run(5, 1).allclose(Run(5, 1), rtol: 0, atol: 0));
        Assert.False(Run(5, 1).allclose(Run(5, 2), rtol: 0, atol: 0));
    }

    [Fact]
    public void Unsupported_options_are_rejected_naming_the_key()
    {
        Assert.Contains("interpolation_type", Assert.ThrowsAny<DiffuseException>(() =>
            new EulerDiscreteScheduler(new SchedulerConfig { InterpolationType = "log_linear" })).Message);
        Assert.Contains("use_karras_sigmas", Assert.ThrowsAny<DiffuseException>(() =>
            new EulerAncestralDiscreteScheduler(new SchedulerConfig { UseKarrasSigmas = true })).Message);
        Assert.Contains("use_beta_sigmas", Assert.ThrowsAny<DiffuseException>(() =>
            new HeunDiscreteScheduler(new SchedulerConfig { UseBetaSigmas = true })).Message);
        Assert.Contains("thresholding", Assert.ThrowsAny<DiffuseException>(() =>
            new EulerDiscreteScheduler(new SchedulerConfig { Thresholding = true })).Message);
        Assert.Contains("final_sigmas_type", Assert.ThrowsAny<DiffuseException>(() =>
            new EulerDiscreteScheduler(new SchedulerConfig { FinalSigmasType = "one" })).Message);
    }

    [Fact]
    public void Stepping_past_the_last_timestep_is_rejected()
    {
        using var euler = new EulerDiscreteScheduler(new SchedulerConfig());
        euler.SetTimesteps(2);
        using var scope = NewDisposeScope();
        foreach (var t in euler.Timesteps) euler.Step(zeros(2), t, ones(2)).Dispose();
        Assert.ThrowsAny<DiffuseException>(() => euler.Step(zeros(2), 0, ones(2)));
    }
}
