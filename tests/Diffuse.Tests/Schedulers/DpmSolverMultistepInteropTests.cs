using Diffuse.Schedulers;
using Xunit.Abstractions;

namespace Diffuse.Tests.Schedulers;

/// <summary>DPMSolverMultistepScheduler (dpmsolver++, order 2, midpoint, final σ zero) against diffusers 0.31.</summary>
public sealed class DpmSolverMultistepInteropTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("dpmsolver_multistep_10.safetensors")]
    [InlineData("dpmsolver_multistep_20.safetensors")]
    public void Dpm_solver_replay_matches_the_diffusers_trajectory_at_every_step(string file)
    {
        using var run = new RecordedRun(file);
        using var scheduler = SchedulerRegistry.Create(run.SchedulerClass, run.Config);
        Assert.IsType<DpmSolverMultistepScheduler>(scheduler);
        scheduler.SetTimesteps(run.Steps);
        Assert.Equal(run.Timesteps, scheduler.Timesteps);
        Assert.Equal(run.InitNoiseSigma, scheduler.InitNoiseSigma);
        var diffs = run.Replay(scheduler);
        output.WriteLine($"{file}: max relative diff {diffs.Max():g3}");
        Assert.All(diffs, d => Assert.True(d <= 1e-4, $"relative diff {d:g3} > 1e-4"));
    }
}
