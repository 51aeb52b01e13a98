using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Benchmarks;

/// <summary>
/// Times of one training step and one forward pass of a UNet on a batch. Weights are random
/// (seeded): the cost of a dense float network does not depend on their values.
/// </summary>
public static class UNetSpeed
{
    /// <summary>
    /// ../shared/perf/pytorch-cpu.md's training step: zero_grad + forward + MSE against a random
    /// target + backward + Adam(lr 1e-4) step, train mode, random timesteps in [0, 1000).
    /// </summary>
    public static TimingStats ReferenceTrainStep(UNet2DConfig config, int batch, int warmups, int repeats)
    {
        manual_seed(0);
        using var model = new UNet2DModel(config);
        using var optimizer = optim.Adam(model.parameters(), 1e-4);
        using var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        using var target = randn(batch, config.OutChannels, config.SampleSize, config.SampleSize);
        using var t = randint(0, 1000, [batch]);
        model.train();
        return TimingStats.Measure(warmups, repeats, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x, t), target);
            loss.backward();
            optimizer.step();
        });
    }

    /// <summary>
    /// One step of diffuse's own <see cref="Trainer"/> for a model preset on the embedded Fashion-MNIST
    /// part at <paramref name="size"/>×<paramref name="size"/>: the batch draw, noising, forward, min-SNR
    /// weighted loss, backward, gradient clipping, AdamW and the EMA update, as <c>diffuse train</c> runs them.
    /// </summary>
    public static TimingStats TrainerStep(string preset, int size, int batch, int warmups, int repeats)
    {
        var config = new TrainConfig { Data = DatasetLoader.FashionMnist, Model = preset, ImageSize = size, Batch = batch, Steps = 1_000_000 };
        var (data, createModel) = TrainingSetup.Prepare(config);
        using var images = (data as ImageTrainingData)?.Images;
        using var trainer = new Trainer(config, data, createModel);
        return TimingStats.Measure(warmups, repeats, () => trainer.TrainStep());
    }

    /// <summary>One forward pass in eval mode without autograd, on random inputs and timesteps.</summary>
    public static TimingStats Forward(UNet2DConfig config, int batch, int warmups, int repeats)
    {
        manual_seed(0);
        using var model = new UNet2DModel(config);
        model.eval();
        using var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        using var t = randint(0, 1000, [batch]);
        using var labels = config.NumClassEmbeds is int k ? randint(0, k, [batch]) : null;
        return TimingStats.Measure(warmups, repeats, () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.Predict(x, t, labels);
        });
    }
}
