using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

[Collection(GlobalRngCollection.Name)]
public sealed class SamplerSweepTests
{
    [Fact]
    public void Rows_of_the_same_sampler_and_steps_agree_and_count_their_network_evaluations()
    {
        manual_seed(3);
        using var model = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
        model.eval();
        using var classifier = new FashionClassifier(new FashionClassifierConfig { BlockOutChannels = [8, 16, 16], FeatureDim = 16 });
        using var data = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        using var real = RealFeatures.Select(classifier, data, 8, seed: 1);
        var config = new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2" };
        var pipeline = TestPipelines.For(model, config);

        // Two batches of 4, so DDPM's step noise would shift the second batch's starting noise if it shared the generator.
        var rows = SweepRow.Parse("ddpm:2, heun:2, ddpm:2, ddim:2");
        var results = rows.Select(row => SamplerSweep.Run(pipeline, classifier, real.Features, row, count: 8, batch: 4, seed: 5)).ToList();

        Assert.Equal(new[] { 2, 3, 2, 2 }, results.Select(r => r.NetworkEvaluations));   // Heun: 2N − 1, as diffusers counts
        Assert.Equal(results[0].FrechetDistance, results[2].FrechetDistance);
        Assert.All(results, r => Assert.True(double.IsFinite(r.FrechetDistance) && r.FrechetDistance > 0));
        Assert.NotEqual(results[0].FrechetDistance, results[3].FrechetDistance);
    }

    [Fact]
    public void Stochastic_steps_leave_the_loops_generator_to_the_starting_noise()
    {
        // With its own step-noise generator, a DDPM run draws nothing from the loop's generator, so the next starting
        // noise is the same as after a deterministic run.
        var config = new SchedulerConfig { ClipSample = false };
        using var betas = tensor(new[] { 0.1f, 0.2f, 0.3f, 0.4f });
        using var schedule = new NoiseSchedule(betas);
        var model = new Tests.Schedulers.ExactDenoiser([0.5f, -0.25f], schedule);
        Tensor NextNoise(string sampler)
        {
            using var generator = new Generator().manual_seed(7);
            using var stepNoise = new Generator().manual_seed(8);
            using var scheduler = new StepNoiseScheduler(SchedulerRegistry.Create(sampler, config with { NumTrainTimesteps = 4, TrainedBetas = [0.1, 0.2, 0.3, 0.4] }), stepNoise);
            using var noise = randn([3, 2], generator: generator);
            DenoisingLoop.Run(model, scheduler, noise, 4, generator).Dispose();
            Assert.Equal(4, scheduler.Steps);
            return randn([3, 2], generator: generator);
        }
        using var afterDdpm = NextNoise("ddpm");
        using var afterDdim = NextNoise("ddim");
        Assert.True(afterDdpm.allclose(afterDdim, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData("ddim", "'ddim' is not SAMPLER:STEPS")]
    [InlineData("ddim:x", "'ddim:x' is not SAMPLER:STEPS")]
    [InlineData("ddim:0", "steps must be positive")]
    [InlineData("bogus:10", "unknown sampler 'bogus'")]
    [InlineData(" , ", "no rows given")]
    public void Bad_rows_are_refused_in_one_line(string spec, string message)
    {
        var error = Assert.ThrowsAny<DiffuseException>(() => SweepRow.Parse(spec));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Rows_parse_with_sampler_names_that_contain_symbols()
    {
        Assert.Equal(new[] { new SweepRow("ddim", 10), new SweepRow("dpm++", 20) }, SweepRow.Parse("ddim:10,dpm++:20"));
    }
}
