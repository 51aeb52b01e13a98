using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Training;

/// <summary>
/// The flow-matching objective against diffusers 0.31's training_utils and train_dreambooth_sd3.py
/// (shared/interop/tiny-flow/expected/timestep_density.safetensors and training.safetensors).
/// </summary>
public sealed class FlowMatchingObjectiveTests(ITestOutputHelper output)
{
    static string Case => Path.Combine(Fixtures.InteropFolder, "tiny-flow");
    static string Expected(string file) => Path.Combine(Case, "expected", file);
    static SchedulerConfig Config => SchedulerConfig.Load(Path.Combine(Case, "scheduler", "scheduler_config.json"));

    static double MaxDiff(Tensor a, Tensor b) => (a.to(float64) - b.to(float64)).abs().max().item<double>();

    [Theory]
    [InlineData(FlowMatchingObjective.LogitNormal, 0)]
    [InlineData(FlowMatchingObjective.Mode, 1)]
    [InlineData(FlowMatchingObjective.CosMap, 2)]
    public void Timestep_densities_draw_and_map_as_diffusers(string scheme, int k)
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected("timestep_density.safetensors"));
        // The README's torch.manual_seed(500 + seed + k), with the case's seed 20 (as its model init, torch.manual_seed(20)).
        using var generator = new Generator((ulong)(520 + k));
        var u = FlowMatchingObjective.SampleU(scheme, 8, generator, 0, 1, 1.29);
        Assert.True(MaxDiff(u, expected[$"{scheme}_u"]) <= 1e-6, $"u differs by {MaxDiff(u, expected[$"{scheme}_u"]):E2}");
        var indices = FlowMatchingObjective.Indices(expected[$"{scheme}_u"], 1000);
        Assert.Equal(expected[$"{scheme}_indices"].data<long>().ToArray(), indices.data<long>().ToArray());
        using var euler = new FlowMatchEulerDiscreteScheduler(Config);
        var (sigmas, timesteps) = FlowMatchingObjective.At(euler.TrainingSigmas.ToArray(), 1000, indices);
        Assert.Equal(0, MaxDiff(sigmas, expected[$"{scheme}_sigmas"]));
        Assert.Equal(0, MaxDiff(timesteps, expected[$"{scheme}_timesteps"]));
    }

    [Theory]
    [InlineData(FlowMatchingObjective.SigmaSqrt)]
    [InlineData(FlowMatchingObjective.CosMap)]
    [InlineData(FlowMatchingObjective.LogitNormal)]
    [InlineData(FlowMatchingObjective.Mode)]
    public void Loss_weightings_equal_diffusers_on_a_sigma_grid(string scheme)
    {
        using var scope = NewDisposeScope();
        var expected = Fixtures.Load(Expected("timestep_density.safetensors"));
        var w = FlowMatchingObjective.LossWeighting(scheme, expected["grid_sigmas"]);
        var want = expected[$"weighting_{scheme}_grid"];
        Assert.True(MaxDiff(w, want) <= 1e-6 * want.abs().max().item<float>());
    }

    [Fact]
    public void One_training_step_gives_diffusers_losses_for_every_weighting()
    {
        using var scope = NewDisposeScope();
        var t = Fixtures.Load(Expected("training.safetensors"));
        var conditioning = Fixtures.Load(Expected("conditioning.safetensors"));
        // u as the script draws it after torch.manual_seed(720).
        using var generator = new Generator(720);
        var u = FlowMatchingObjective.SampleU(FlowMatchingObjective.LogitNormal, 2, generator);
        Assert.True(MaxDiff(u, t["u"]) <= 1e-6);
        using var euler = new FlowMatchEulerDiscreteScheduler(Config);
        var (sigmas, timesteps) = FlowMatchingObjective.At(euler.TrainingSigmas.ToArray(), 1000, FlowMatchingObjective.Indices(t["u"], 1000));
        Assert.Equal(0, MaxDiff(sigmas, t["sigmas"]));
        Assert.Equal(0, MaxDiff(timesteps, t["timesteps"]));
        var noisy = FlowMatchingObjective.NoisyInput(t["model_input"], t["noise"], sigmas);
        Assert.True(MaxDiff(noisy, t["noisy_model_input"]) <= 1e-6);

        using var model = (SD3Transformer2DModel)ModelFolder.Load(Path.Combine(Case, "transformer"));
        using var noGrad = no_grad();
        var pred = model.Predict(noisy, timesteps, new Conditioning { EncoderHiddenStates = conditioning["prompt_embeds"], PooledEmbeddings = conditioning["pooled_prompt_embeds"] });
        Assert.True(MaxDiff(pred, t["model_pred"]) <= 1e-5 * 1.8, $"model_pred differs by {MaxDiff(pred, t["model_pred"]):E2}");
        foreach (var scheme in new[] { FlowMatchingObjective.LogitNormal, FlowMatchingObjective.SigmaSqrt, FlowMatchingObjective.Mode, FlowMatchingObjective.CosMap })
        {
            var w = FlowMatchingObjective.LossWeighting(scheme, sigmas);
            Assert.True(MaxDiff(w, t[$"weighting_{scheme}"]) <= 1e-6);
            foreach (var precondition in new[] { false, true })
            {
                string key = $"loss_{scheme}" + (precondition ? "_preconditioned" : "");
                double want = t[key].item<float>();
                // Their prediction through our loss: round-off only; ours: the network's float32 spread on top.
                double exact = FlowMatchingObjective.Loss(t["model_pred"], t["model_input"], t["noise"], t["noisy_model_input"], sigmas, w, precondition).item<float>();
                double ours = FlowMatchingObjective.Loss(pred, t["model_input"], t["noise"], noisy, sigmas, w, precondition).item<float>();
                output.WriteLine($"{key}: diffusers {want:G7}, ours on their prediction {exact:G7}, ours end to end {ours:G7}");
                Assert.True(Math.Abs(exact - want) <= 1e-6 * want, $"{key}: {exact} vs {want}");
                Assert.True(Math.Abs(ours - want) <= 1e-5 * want, $"{key}: {ours} vs {want}");
            }
        }
    }
}
