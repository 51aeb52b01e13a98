using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class ToyTrainingTests(ITestOutputHelper output)
{
    private static double DistanceToData(Trainer trainer, string name)
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DdimScheduler(trainer.SchedulerConfig);
        var generator = new Generator().manual_seed(123);
        var samples = DenoisingLoop.Run(trainer.EmaDenoiser, scheduler, randn([2000, 2], generator: generator), 50);
        var data = Toy2D.Sample(name, 2000, generator);
        return SlicedWasserstein.Distance(samples, data);
    }

    [Fact]
    public void Eight_gaussians_are_learned_in_seconds()
    {
        var config = TrainConfig.ForData("gaussians8") with { Steps = 1500, SampleEvery = 0, CheckpointEvery = 0 };
        var plan = TrainingSetup.Prepare(config);
        var data = plan.Data;
        using var trainer = new Trainer(config, plan);
        double untrained = DistanceToData(trainer, "gaussians8");
        while (trainer.Step < config.Steps) trainer.TrainStep();
        double trained = DistanceToData(trainer, "gaussians8");

        // Two independent draws of 2000 data points lie about 0.03 apart; a trained model should be
        // close to that floor and far below the untrained one.
        using var a = Toy2D.Sample("gaussians8", 2000, new Generator().manual_seed(5));
        using var b = Toy2D.Sample("gaussians8", 2000, new Generator().manual_seed(6));
        double floor = SlicedWasserstein.Distance(a, b);
        output.WriteLine($"sliced W1: trained {trained:F4}, untrained {untrained:F4}, data-vs-data floor {floor:F4}");
        Assert.True(trained < 0.1, $"trained distance {trained:F4} (floor {floor:F4}, untrained {untrained:F4})");
        Assert.True(untrained > 5 * trained, $"untrained {untrained:F4} vs trained {trained:F4}");
    }
}
