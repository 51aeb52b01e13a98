using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Tests.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Tests.Pipelines;

/// <summary>
/// The whole sampling loop, UNet included, loaded through the normal folder code path, against
/// diffusers' runs in shared/interop/tiny-gray/expected. The tolerance of each run is ten times the
/// spread that the reference's own float64 re-run shows (its README's table), so a run that float32
/// round-off alone moves that much is still judged fairly, and nothing looser.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class EndToEndInteropTests
{
    [Theory]
    [InlineData("ddim_10.safetensors", 7.15e-05)]
    [InlineData("ddim_noclip_50.safetensors", 4.52e-04)]
    [InlineData("dpmsolver_multistep_10.safetensors", 9.27e-05)]
    [InlineData("dpmsolver_multistep_20.safetensors", 1.70e-04)]
    [InlineData("euler_discrete_20.safetensors", 1.42e-04)]
    [InlineData("pndm_20.safetensors", 1.16e-04)]
    [InlineData("pndm_skip_prk_20.safetensors", 1.28e-04)]
    public void Full_loop_matches_diffusers_within_its_float64_spread(string file, double float64Spread)
    {
        using var run = new RecordedRun(file);
        var contents6 = PipelineFolder.Read(Fixtures.TinyGray); var module = contents6.Network;
        using var model = module;
        using var scheduler = SchedulerRegistry.Create(run.SchedulerClass, run.Config);

        using var sample = DenoisingLoop.Run((IDenoiser)model, scheduler, run.Noise, run.Steps);
        double difference = (sample - run["sample"]).abs().max().item<float>();
        Assert.True(difference <= 10 * float64Spread, $"{file}: max abs difference {difference:E3}, float64 spread {float64Spread:E3}");
    }

    [Fact]
    public void Ill_conditioned_ddim_50_matches_step_by_step()
    {
        // The README flags ddim_50 end to end (clip_sample removes the damping term); each single step,
        // from diffusers' own previous sample, is well conditioned and exact for the stateless DDIM.
        using var run = new RecordedRun("ddim_50.safetensors");
        var contents7 = PipelineFolder.Read(Fixtures.TinyGray); var module = contents7.Network;
        using var model = module;
        using var scheduler = SchedulerRegistry.Create(run.SchedulerClass, run.Config);
        scheduler.SetTimesteps(run.Steps);
        var timesteps = scheduler.Timesteps;
        using var noGrad = no_grad();
        for (int i = 0; i < timesteps.Length; i++)
        {
            using var scope = NewDisposeScope();
            var x = i == 0 ? run.Noise * scheduler.InitNoiseSigma : run["trajectory"][i - 1];
            var output = ((IDenoiser)model).Predict(scheduler.ScaleModelInput(x, timesteps[i]), tensor(new[] { (float)timesteps[i] }));
            var next = scheduler.Step(output, timesteps[i], x).PrevSample;
            var expected = run["trajectory"][i];
            double scale = Math.Max(1.0, expected.abs().max().item<float>());
            double difference = (next - expected).abs().max().item<float>() / scale;
            Assert.True(difference <= 1e-4, $"step {i} (t={timesteps[i]}): relative difference {difference:E3}");
        }
    }
}
