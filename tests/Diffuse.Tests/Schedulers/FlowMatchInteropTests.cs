using Diffuse.Schedulers;
using Diffuse.Schedules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

/// <summary>
/// FlowMatchEulerDiscreteScheduler and FlowMatchHeunDiscreteScheduler against diffusers 0.31
/// (shared/interop/tiny-flow/expected: schedule.safetensors and the recorded sampler runs).
/// </summary>
public sealed class FlowMatchInteropTests(ITestOutputHelper output)
{
    static string Case => Path.Combine(Fixtures.InteropFolder, "tiny-flow");
    static string Expected(string file) => Path.Combine(Case, "expected", file);
    static SchedulerConfig Config => SchedulerConfig.Load(Path.Combine(Case, "scheduler", "scheduler_config.json"));

    static float[] Floats(Tensor t) => t.to(float32).data<float>().ToArray();

    [Fact]
    public void Training_sigmas_and_timesteps_equal_diffusers_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var schedule = Fixtures.Load(Expected("schedule.safetensors"));
        using var euler = new FlowMatchEulerDiscreteScheduler(Config);
        Assert.Equal(Floats(schedule["train_sigmas"]), euler.TrainingSigmas);
        Assert.Equal(Floats(schedule["train_timesteps"]).Select(t => (double)t), euler.Timesteps);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(28)]
    [InlineData(50)]
    public void Sigmas_and_timesteps_of_a_run_equal_diffusers_bit_for_bit(int steps)
    {
        using var scope = NewDisposeScope();
        var schedule = Fixtures.Load(Expected("schedule.safetensors"));
        using var euler = (FlowMatchEulerDiscreteScheduler)SchedulerRegistry.FromConfig(Config);
        euler.SetTimesteps(steps);
        Assert.Equal(Floats(schedule[$"euler_sigmas_{steps}"]), euler.Sigmas);
        Assert.Equal(Floats(schedule[$"euler_timesteps_{steps}"]).Select(t => (double)t), euler.Timesteps);
        using var heun = (FlowMatchHeunDiscreteScheduler)SchedulerRegistry.Create("flow_heun", Config);
        heun.SetTimesteps(steps);
        Assert.Equal(Floats(schedule[$"heun_sigmas_{steps}"]), heun.Sigmas);
        Assert.Equal(Floats(schedule[$"heun_timesteps_{steps}"]).Select(t => (double)t), heun.Timesteps);
    }

    [Theory]
    [InlineData("euler_10_g5")]
    [InlineData("euler_28_g5")]
    [InlineData("euler_10_g1")]
    [InlineData("heun_10_g5")]
    public void Replay_of_recorded_velocities_matches_every_step(string run)
    {
        using var scope = NewDisposeScope();
        var recorded = Fixtures.Load(Expected(run + ".safetensors"));
        var noise = Fixtures.Load(Expected("noise.safetensors"))["sample"];
        using var scheduler = SchedulerRegistry.Create(run.StartsWith("heun", StringComparison.Ordinal) ? "flow_heun" : "flow_euler", Config);
        int steps = int.Parse(run.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture);
        scheduler.SetTimesteps(steps);
        Assert.Equal(Floats(recorded["timesteps"]).Select(t => (double)t), scheduler.Timesteps);
        var x = noise.alias();
        double worst = 0;
        var timesteps = scheduler.Timesteps;
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var input = scheduler.ScaleModelInput(x, timesteps[i]);
            var step = scheduler.Step(recorded["model_outputs"][i], timesteps[i], x);
            x = step.PrevSample;
            var expected = recorded["trajectory"][i];
            worst = Math.Max(worst, (x - expected).abs().max().item<float>() / Math.Max(1.0, expected.abs().max().item<float>()));
        }
        output.WriteLine($"{run}: max relative diff over {timesteps.Length} steps {worst:g3}");
        Assert.True(worst <= 1e-6, $"relative diff {worst:g3}");
    }

    [Fact]
    public void Dynamic_shifting_with_mu_ln3_is_the_shift_3_formula_on_the_unshifted_ends()
    {
        // time_shift(μ, 1, t) = e^μ/(e^μ + 1/t − 1) = 3t/(1 + 2t) for μ = ln 3; without a static shift the training σ's run
        // from 1 to 1/1000, so the run's t are linspace(1000, 1, n)/1000.
        using var euler = new FlowMatchEulerDiscreteScheduler(Config with { UseDynamicShifting = true });
        euler.Mu = Math.Log(3);
        euler.SetTimesteps(7);
        var expected = FlowMatchSigmas.Linspace(1000, 1, 7).Select(t => t / 1000).Select(t => (float)(3 * t / (1 + 2 * t))).Append(0f);
        Assert.Equal(expected.Select(s => (double)s), euler.Sigmas.Select(s => (double)s), (a, b) => Math.Abs(a - b) <= 1e-7);
    }

    [Fact]
    public void Mu_follows_the_sd3_and_flux_line_through_the_base_and_max_shifts()
    {
        var config = Config with { BaseShift = 0.5, MaxShift = 1.15, BaseImageSeqLen = 256, MaxImageSeqLen = 4096 };
        Assert.Equal(0.5, FlowMatchSigmas.Mu(config, 256), 12);
        Assert.Equal(1.15, FlowMatchSigmas.Mu(config, 4096), 12);
        Assert.Equal(0.5 + 0.65 * (1024 - 256) / 3840.0, FlowMatchSigmas.Mu(config, 1024), 12);
    }

    [Fact]
    public void Dynamic_shifting_without_mu_is_refused()
    {
        using var euler = new FlowMatchEulerDiscreteScheduler(Config with { UseDynamicShifting = true });
        var e = Assert.Throws<DiffuseException>(() => euler.SetTimesteps(4));
        Assert.Contains("use_dynamic_shifting needs μ", e.Message);
    }

    [Fact]
    public void Scale_noise_is_the_straight_line_between_data_and_noise()
    {
        using var scope = NewDisposeScope();
        using var euler = new FlowMatchEulerDiscreteScheduler(Config);
        euler.SetTimesteps(4);
        var x0 = ones(2, 3);
        var noise = full(2, 3, 3.0f);
        float sigma = euler.Sigmas[2];
        using var xt = euler.AddNoise(x0, noise, 2);
        Assert.Equal(1 - sigma + 3 * sigma, xt[0, 0].item<float>(), 5);
        using var end = euler.AddNoise(x0, noise, 4);
        Assert.Equal(1f, end[1, 2].item<float>());
    }

    [Fact]
    public void A_flow_config_is_saved_without_beta_schedule_keys()
    {
        var json = SchedulerConfigJson.ToJson(Config);
        Assert.DoesNotContain("beta_schedule", json);
        Assert.Contains("\"shift\": 3", json);
        Assert.Equal(3.0, SchedulerConfigJson.Parse(json).Shift);
    }
}
