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
    /// target + backward + Adam(lr 1e-4) step, train mode, random timesteps in [0, 1000). With
    /// <paramref name="dtype"/> bfloat16, the same step in mixed precision (<see cref="MixedPrecision"/>: a bfloat16
    /// copy runs forward and backward, the float32 master weights take the Adam step).
    /// </summary>
    public static BenchWork ReferenceTrainStep(string caseName, UNet2DConfig config, int batch, ScalarType dtype = ScalarType.Float32)
    {
        manual_seed(0);
        var model = new UNet2DModel(config);
        var optimizer = optim.Adam(model.parameters(), 1e-4);
        var mixed = dtype == ScalarType.Float32 ? null : new MixedPrecision(model, () => new UNet2DModel(config), dtype);
        var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
        var target = randn(batch, config.OutChannels, config.SampleSize, config.SampleSize);
        var t = randint(0, 1000, [batch]);
        model.train();
        mixed?.Network.train();
        return new BenchWork(caseName, Part(BenchWork.TrainPart, dtype), () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            mixed?.LoadWeights();
            var output = mixed is null ? model.forward(x, t) : mixed.Predict(x, t, Conditioning.None);
            var loss = nn.functional.mse_loss(output, target);
            loss.backward();
            mixed?.StoreGradients();
            optimizer.step();
        }, optimizer, mixed, model, x, target, t);
    }

    /// <summary>A part's name in <paramref name="dtype"/>: as it is for float32, with the type after it otherwise.</summary>
    public static string Part(string part, ScalarType dtype) =>
        dtype == ScalarType.Float32 ? part : BenchWork.Narrow(part, InferenceDTypes.Name(dtype));

    /// <summary>
    /// One step of diffuse's own <see cref="Trainer"/> for a model preset on the embedded Fashion-MNIST
    /// part at <paramref name="size"/>×<paramref name="size"/>: the batch draw, noising, forward, min-SNR
    /// weighted loss, backward, gradient clipping, AdamW and the EMA update, as <c>diffuse train</c> runs them.
    /// </summary>
    public static BenchWork TrainerStep(string preset, int size, int batch, ScalarType dtype = ScalarType.Float32)
    {
        var config = new TrainConfig
        {
            Data = DatasetLoader.FashionMnist, Model = preset, ImageSize = size, Batch = batch, Steps = 1_000_000, DType = InferenceDTypes.Name(dtype),
        };
        var plan = TrainingSetup.Prepare(config);
        var data = plan.Data;
        var trainer = new Trainer(config, plan);
        return new BenchWork(preset, Part(BenchWork.TrainPart, dtype), () => trainer.TrainStep(), trainer, (data as ImageTrainingData)?.Images);
    }

    /// <summary>One forward pass in eval mode without autograd, on random inputs and timesteps, in <paramref name="dtype"/>.</summary>
    public static BenchWork Forward(string caseName, UNet2DConfig config, int batch, ScalarType dtype = ScalarType.Float32)
    {
        manual_seed(0);
        var model = new UNet2DModel(config);
        model.eval();
        if (dtype != ScalarType.Float32) model.to(dtype);
        var x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize).to(dtype);
        var t = randint(0, 1000, [batch]);
        var labels = config.NumClassEmbeds is int k ? randint(0, k, [batch]) : null;
        return new BenchWork(caseName, Part(BenchWork.ForwardPart, dtype), () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.Predict(x, t, labels is null ? null : new Conditioning { ClassLabels = labels });
        }, model, x, t, labels);
    }
}
