using Diffuse.Schedulers;
using Xunit.Abstractions;

namespace Diffuse.Tests.Schedulers;

/// <summary>PNDMScheduler with and without the Runge–Kutta warm-up against diffusers 0.31.</summary>
public sealed class PndmInteropTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pndm_20.safetensors", 29)]
    [InlineData("pndm_skip_prk_20.safetensors", 21)]
    public void Pndm_replay_matches_the_diffusers_trajectory_at_every_step(string file, int timestepCount)
    {
        using var run = new RecordedRun(file);
        using var scheduler = SchedulerRegistry.Create(run.SchedulerClass, run.Config);
        Assert.IsType<PndmScheduler>(scheduler);
        scheduler.SetTimesteps(run.Steps);
        Assert.Equal(timestepCount, scheduler.Timesteps.Length);
        Assert.Equal(run.Timesteps, scheduler.Timesteps);
        Assert.Equal(run.InitNoiseSigma, scheduler.InitNoiseSigma);
        var diffs = run.Replay(scheduler);
        output.WriteLine($"{file}: max relative diff {diffs.Max():g3}");
        Assert.All(diffs, d => Assert.True(d <= 1e-4, $"relative diff {d:g3} > 1e-4"));
    }
}
