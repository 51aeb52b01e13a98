using Diffuse.Pipelines;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Cli;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Shipped;

/// <summary>models/fashion-mnist, copied beside the program: a trained model, and the one `diffuse sample` uses by default.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ShippedModelTests
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist");

    /// <summary>
    /// The trained weights predict their target (ε or v, as the scheduler config says) of real images far better than
    /// chance: at t = 500 (ᾱ ≈ 0.5 on the cosine schedule) the target has about unit variance; a trained model's error is
    /// a small fraction of it, an untrained one's is not.
    /// </summary>
    [Fact]
    public void Shipped_weights_predict_their_target_on_real_images()
    {
        using var pipeline = DiffusionPipeline.Load(Folder);
        var classConditional = Assert.IsType<ClassConditionalPipeline>(pipeline);
        Assert.Equal(10, classConditional.NullClass);
        var model = classConditional.UNet;
        var schedulerConfig = pipeline.SchedulerConfig;
        manual_seed(1);
        using var untrained = new UNet2DModel(model.Config);
        using var data = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var schedule = NoiseSchedule.FromConfig(schedulerConfig);
        var gen = new Generator().manual_seed(1);
        var x0 = data.Data[TensorIndex.Slice(0, 64)];
        var noise = randn(x0.shape, generator: gen);
        var t = full(64, 500L, dtype: ScalarType.Int64);
        var xt = schedule.AddNoise(x0, noise, t);
        var nullLabels = new Conditioning { ClassLabels = full(64, 10L, dtype: ScalarType.Int64) };
        var target = schedule.Target(x0, noise, t, PredictionTypes.Parse(schedulerConfig.PredictionType));
        double trained = (model.Predict(xt, t, nullLabels) - target).square().mean().item<float>();
        double random = (untrained.Predict(xt, t, nullLabels) - target).square().mean().item<float>();
        Assert.True(trained < 0.15, $"trained {schedulerConfig.PredictionType} MSE {trained}");
        Assert.True(random > 0.5, $"untrained {schedulerConfig.PredictionType} MSE {random}");
    }

    [Fact]
    public void Sample_without_a_model_uses_the_shipped_one()
    {
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "runs", "fashion-mnist", "model")));
        using var temp = new TempFolder();
        var output = temp.File("grid.png");
        var result = CliProcess.Run("sample", "--steps", "2", "--count", "10", "--columns", "1", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var grid = ImageDecoder.Decode(output, 1);
        Assert.Equal(10 * (28 * 2 + 2) + 2, grid.shape[2]);   // ten images in one column (scale 2, padding 2)
        Assert.Equal(28 * 2 + 2 + 2, grid.shape[3]);
    }
}
