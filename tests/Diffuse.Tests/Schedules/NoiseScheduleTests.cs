using Diffuse.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedules;

public sealed class NoiseScheduleTests
{
    static NoiseSchedule Linear() => NoiseSchedule.FromConfig(new SchedulerConfig());

    [Theory]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(900)]
    public void Add_noise_has_mean_sqrt_alpha_bar_x0_and_variance_one_minus_alpha_bar(long t)
    {
        using var schedule = Linear();
        using var scope = NewDisposeScope();
        const int n = 200_000;
        var gen = new Generator(seed: 7);
        var x0 = full(n, 0.7f);
        var noise = randn(n, generator: gen);
        var x = schedule.AddNoise(x0.unsqueeze(1), noise.unsqueeze(1), full(n, t, dtype: int64)).squeeze(1);
        double alphaBar = schedule.AlphaCumprodAt(t);
        // standard errors: sqrt(var/n) ≈ 0.002 for the mean, var·sqrt(2/n) ≈ 0.003·var for the variance
        Assert.Equal(Math.Sqrt(alphaBar) * 0.7, x.mean().item<float>(), 0.01);
        Assert.Equal(1 - alphaBar, x.var().item<float>(), 0.02 * (1 - alphaBar));
    }

    [Fact]
    public void Add_noise_uses_each_batch_items_own_timestep()
    {
        using var schedule = Linear();
        using var scope = NewDisposeScope();
        var gen = new Generator(seed: 1);
        var x0 = randn([3, 2, 4, 4], generator: gen);
        var noise = randn([3, 2, 4, 4], generator: gen);
        long[] ts = [0, 250, 999];
        var x = schedule.AddNoise(x0, noise, tensor(ts));
        for (int b = 0; b < 3; b++)
        {
            double a = schedule.AlphaCumprodAt(ts[b]);
            var expected = x0[b].to(float64) * Math.Sqrt(a) + noise[b].to(float64) * Math.Sqrt(1 - a);
            Assert.True(x[b].to(float64).sub(expected).abs().max().item<double>() < 1e-6);
        }
    }

    [Fact]
    public void Snr_is_alpha_bar_over_one_minus_alpha_bar()
    {
        using var schedule = Linear();
        using var snr = schedule.Snr(tensor(new long[] { 0, 500, 999 }));
        var values = snr.data<float>().ToArray();
        foreach (var (t, i) in new[] { (0L, 0), (500L, 1), (999L, 2) })
        {
            double a = schedule.AlphaCumprodAt(t);
            Assert.Equal(a / (1 - a), values[i], a / (1 - a) * 1e-5);
        }
        // ᾱ_0 = 1 − 1e-4; rounding it to float32 moves 1 − ᾱ_0 by 2e-4 relative, hence the tolerance.
        Assert.Equal(9999.0, values[0], 5.0);
    }

    [Fact]
    public void Velocity_is_sqrt_alpha_bar_eps_minus_sqrt_one_minus_alpha_bar_x0()
    {
        using var schedule = Linear();
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 1f, -0.5f }).reshape(2, 1);
        var eps = tensor(new float[] { 0.25f, 2f }).reshape(2, 1);
        var v = schedule.GetVelocity(x0, eps, tensor(new long[] { 300, 300 }));
        double a = schedule.AlphaCumprodAt(300);
        Assert.Equal(Math.Sqrt(a) * 0.25 - Math.Sqrt(1 - a) * 1, v[0, 0].item<float>(), 1e-6);
        Assert.Equal(Math.Sqrt(a) * 2 - Math.Sqrt(1 - a) * -0.5, v[1, 0].item<float>(), 1e-6);
    }

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.Sample)]
    [InlineData(PredictionType.VPrediction)]
    public void Target_converts_back_to_x0_and_epsilon(PredictionType type)
    {
        using var schedule = Linear();
        using var scope = NewDisposeScope();
        var gen = new Generator(seed: 3);
        var x0 = randn([3, 1, 8, 8], generator: gen);
        var eps = randn([3, 1, 8, 8], generator: gen);
        var t = tensor(new long[] { 10, 500, 900 });
        var xt = schedule.AddNoise(x0, eps, t);
        var output = schedule.Target(x0, eps, t, type);
        var x0Back = schedule.PredictOriginal(output, xt, t, type);
        var epsBack = schedule.PredictEpsilon(output, xt, t, type);
        Assert.True(x0Back.sub(x0).abs().max().item<float>() < 1e-4);
        Assert.True(epsBack.sub(eps).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void Velocity_converts_to_the_epsilon_and_x0_it_was_built_from()
    {
        using var schedule = Linear();
        using var scope = NewDisposeScope();
        var gen = new Generator(seed: 4);
        var x0 = randn([2, 16], generator: gen);
        var eps = randn([2, 16], generator: gen);
        var t = tensor(new long[] { 200, 700 });
        var xt = schedule.AddNoise(x0, eps, t);
        var v = schedule.GetVelocity(x0, eps, t);
        // ε predicted from v equals ε predicted from the matching ε-output, and likewise for x_0.
        var epsFromV = schedule.PredictEpsilon(v, xt, t, PredictionType.VPrediction);
        var x0FromEps = schedule.PredictOriginal(eps, xt, t, PredictionType.Epsilon);
        Assert.True(epsFromV.sub(eps).abs().max().item<float>() < 1e-5);
        Assert.True(x0FromEps.sub(x0).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Timesteps_outside_the_schedule_are_rejected()
    {
        using var schedule = Linear();
        using var x = zeros(1, 2);
        var e = Assert.ThrowsAny<DiffuseException>(() => schedule.AddNoise(x, x, tensor(new long[] { 1000 })));
        Assert.Equal("timestep 1000 is outside [0, 999]", e.Message);
        Assert.ThrowsAny<DiffuseException>(() => schedule.AlphaCumprodAt(-1));
    }

    [Fact]
    public void Alphas_are_one_minus_betas_and_alphas_cumprod_their_running_product()
    {
        using var schedule = NoiseSchedule.FromConfig(new SchedulerConfig { NumTrainTimesteps = 4, BetaStart = 0.1, BetaEnd = 0.4 });
        Assert.Equal(4, schedule.NumTrainTimesteps);
        Assert.Equal([0.9f, 0.8f, 0.7f, 0.6f], schedule.Alphas.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal([0.9f, 0.72f, 0.504f, 0.3024f], schedule.AlphasCumprod.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Betas_outside_zero_one_are_rejected()
    {
        using var betas = tensor(new float[] { 0.1f, 1.5f });
        var e = Assert.ThrowsAny<DiffuseException>(() => new NoiseSchedule(betas));
        Assert.Equal("betas must lie in (0, 1]", e.Message);
    }

    [Fact]
    public void Trained_betas_replace_the_named_schedule()
    {
        using var schedule = NoiseSchedule.FromConfig(new SchedulerConfig
        {
            NumTrainTimesteps = 2, BetaSchedule = "not used", TrainedBetas = [0.5, 0.5],
        });
        Assert.Equal(0.25f, schedule.AlphaCumprodAt(1), 6);
    }
}
