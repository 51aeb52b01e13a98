using Diffuse.Schedulers;
using Xunit.Abstractions;

namespace Diffuse.Tests.Schedulers;

/// <summary>EulerDiscreteScheduler against diffusers 0.31 (euler_discrete_20.safetensors, float32 timesteps).</summary>
public sealed class EulerDiscreteInteropTests(ITestOutputHelper output)
{
    [Fact]
    public void Euler_replay_matches_the_diffusers_trajectory_at_every_step()
    {
        using var run = new RecordedRun("euler_discrete_20.safetensors");
        using var scheduler = SchedulerRegistry.Create(run.SchedulerClass, run.Config);
        Assert.IsType<EulerDiscreteScheduler>(scheduler);
        scheduler.SetTimesteps(run.Steps);
        Assert.Equal(run.Timesteps, scheduler.Timesteps);
        // A few float32 ulps: torch 1.13's linspace rounds some betas differently (see BetaSchedulesTests).
        Assert.Equal(run.InitNoiseSigma, scheduler.InitNoiseSigma, 1e-6 * run.InitNoiseSigma);
        var diffs = run.Replay(scheduler);
        output.WriteLine($"euler_discrete_20: max relative diff {diffs.Max():g3}");
        Assert.All(diffs, d => Assert.True(d <= 1e-4, $"relative diff {d:g3} > 1e-4"));
    }
}
