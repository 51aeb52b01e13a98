using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

/// <summary><see cref="IScheduler.AddNoise"/>: diffusers' add_noise by position, in each sampler's own parameterisation.</summary>
public sealed class PartWayNoiseTests
{
    static readonly SchedulerConfig Config = new() { BetaSchedule = "squaredcos_cap_v2" };

    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim")]
    public void Alpha_bar_samplers_noise_by_the_closed_form(string name)
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerRegistry.Create(name, Config);
        scheduler.SetTimesteps(10);
        var x0 = full(new long[] { 2, 3 }, 0.5f);
        var noise = full(new long[] { 2, 3 }, -1f);
        long t = (long)scheduler.Timesteps[4];
        double alphaBar = ((IBetaScheduler)scheduler).Schedule.AlphaCumprodAt(t);
        var noisy = scheduler.AddNoise(x0, noise, 4);
        Assert.Equal(0.5 * Math.Sqrt(alphaBar) - Math.Sqrt(1 - alphaBar), noisy[0, 0].item<float>(), 5);
        Assert.True(scheduler.AddNoise(x0, noise, 10).eq(x0).all().item<bool>(), "past the last timestep the sample is x₀");
    }

    [Fact]
    public void Euler_noises_to_x0_plus_sigma_epsilon_and_dpm_solver_keeps_variance_preserving_samples()
    {
        using var scope = NewDisposeScope();
        var x0 = full(new long[] { 1, 2 }, 0.25f);
        var noise = full(new long[] { 1, 2 }, 2f);
        using var euler = (EulerDiscreteScheduler)SchedulerRegistry.Create("euler", Config);
        euler.SetTimesteps(8);
        Assert.Equal(0.25 + euler.Sigmas[3] * 2, euler.AddNoise(x0, noise, 3)[0, 0].item<float>(), 4);
        using var dpm = (DpmSolverMultistepScheduler)SchedulerRegistry.Create("dpm++", Config);
        dpm.SetTimesteps(8);
        double sigma = dpm.Sigmas[2], alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        Assert.Equal(alpha * 0.25 + alpha * sigma * 2, dpm.AddNoise(x0, noise, 2)[0, 0].item<float>(), 4);
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("pndm")]
    public void Samplers_that_list_timesteps_twice_cannot_start_part_way(string name)
    {
        using var scheduler = SchedulerRegistry.Create(name, Config);
        Assert.False(scheduler.CanStartPartWay);
        scheduler.SetTimesteps(5);
        using var x = zeros(1, 2);
        Assert.ThrowsAny<DiffuseException>(() => scheduler.AddNoise(x, x, 1));
    }

    [Fact]
    public void Every_class_name_and_alias_builds_its_scheduler()
    {
        foreach (var className in SchedulerRegistry.ClassNames)
        {
            using var scheduler = SchedulerRegistry.Create(className, Config);
            Assert.Equal(className, scheduler.Config.ClassName);
        }
        foreach (var alias in SchedulerRegistry.Names)
        {
            using var scheduler = SchedulerRegistry.Create(alias, Config);
            Assert.Contains(scheduler.Config.ClassName, SchedulerRegistry.ClassNames);
        }
        using var plusPlus = (DpmSolverMultistepScheduler)SchedulerRegistry.Create("dpm++", Config);
        Assert.Equal(DpmSolverMultistepScheduler.DpmSolverPlusPlus, plusPlus.Config.AlgorithmType);
    }
}
