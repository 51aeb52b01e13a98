using Diffuse.Schedulers;
using Diffuse.Schedules;
using static TorchSharp.torch;

namespace Diffuse.Tests.Schedulers;

/// <summary>
/// The scheduler alone against diffusers 0.31: start from the fixture's noise, feed the recorded UNet outputs,
/// compare every step of the trajectory (see shared/interop/tiny-gray/expected/README.md, "How to compare" 2).
/// </summary>
public sealed class DdimInteropTests
{
    [Theory]
    [InlineData("ddim_10.safetensors", 10, true)]
    [InlineData("ddim_50.safetensors", 50, true)]
    [InlineData("ddim_noclip_50.safetensors", 50, false)]
    public void Ddim_replay_matches_the_diffusers_trajectory_at_every_step(string file, int steps, bool clipSample)
    {
        var config = SchedulerConfigJson.Load(Path.Combine(Fixtures.TinyGray, "scheduler", "scheduler_config.json"))
            with { ClipSample = clipSample };
        var run = Fixtures.Load(Fixtures.Expected(file));
        var noise = Fixtures.Load(Fixtures.Expected("noise.safetensors"));
        using var scheduler = SchedulerRegistry.Create("DDIMScheduler", config);
        try
        {
            scheduler.SetTimesteps(steps);
            Assert.Equal(run["timesteps"].data<long>().Select(t => (double)t).ToArray(), scheduler.Timesteps);

            var x = noise["sample"] * scheduler.InitNoiseSigma;
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                using var output = scheduler.Step(run["model_outputs"][i], scheduler.Timesteps[i], x);
                var expected = run["trajectory"][i];
                double tolerance = 1e-4 * Math.Max(1.0, expected.abs().max().item<float>());
                double diff = output.PrevSample.sub(expected).abs().max().item<float>();
                Assert.True(diff <= tolerance, $"step {i} (t={scheduler.Timesteps[i]}): max abs diff {diff:g3} > {tolerance:g3}");
                x.Dispose();
                x = output.PrevSample.clone().MoveToOuterDisposeScope();
            }
            Assert.True(x.sub(run["sample"]).abs().max().item<float>() <= 1e-4 * Math.Max(1.0, run["sample"].abs().max().item<float>()));
            x.Dispose();
        }
        finally
        {
            foreach (var t in run.Values.Concat(noise.Values))
                t.Dispose();
        }
    }
}
