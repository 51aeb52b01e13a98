using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// A training step and a forward pass of a UNet on a batch, set up to be timed. Weights are random
/// (seeded): the cost of a dense float network does not depend on their values.
/// </summary>
public static class UNetSpeed
{
    /// <summary>
    /// ../shared/perf/pytorch-cpu.md's training step: zero_grad + forward + MSE against a random
    /// target + backward + Adam(lr 1e-4) step, train mode, random timesteps in [0, 1000).
    /// </summary>
    public static BenchWork ReferenceTrainStep(string caseName, UNet2DConfig config, int batch)
    {
        manual_seed(0);
        var model = new UNet2DModel(config);
        var optimizer = optim.Adam(model.parameters(), 1e-4);
        var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        var target = randn(batch, config.OutChannels, config.SampleSize, config.SampleSize);
        var t = randint(0, 1000, [batch]);
        model.train();
        return new BenchWork(caseName, BenchWork.TrainPart, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x, t), target);
            loss.backward();
            optimizer.step();
        }, optimizer, model, x, target, t);
    }

    /// <summary>
    /// One step of diffuse's own <see cref="Trainer"/> for a model preset on the embedded Fashion-MNIST
    /// part at <paramref name="size"/>×<paramref name="size"/>: the batch draw, noising, forward, min-SNR
    /// weighted loss, backward, gradient clipping, AdamW and the EMA update, as <c>diffuse train</c> runs them.
    /// </summary>
    public static BenchWork TrainerStep(string preset, int size, int batch)
    {
        var config = new TrainConfig { Data = DatasetLoader.FashionMnist, Model = preset, ImageSize = size, Batch = batch, Steps = 1_000_000 };
        var plan = TrainingSetup.Prepare(config);
        var data = plan.Data;
        var trainer = new Trainer(config, plan);
        return new BenchWork(preset, BenchWork.TrainPart, () => trainer.TrainStep(), trainer, (data as ImageTrainingData)?.Images);
    }

    /// <summary>One forward pass in eval mode without autograd, on random inputs and timesteps.</summary>
    public static BenchWork Forward(string caseName, UNet2DConfig config, int batch)
    {
        manual_seed(0);
        var model = new UNet2DModel(config);
        model.eval();
        var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        var t = randint(0, 1000, [batch]);
        var labels = config.NumClassEmbeds is int k ? randint(0, k, [batch]) : null;
        return new BenchWork(caseName, BenchWork.ForwardPart, () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.Predict(x, t, labels is null ? null : new Conditioning { ClassLabels = labels });
        }, model, x, t, labels);
    }
}
