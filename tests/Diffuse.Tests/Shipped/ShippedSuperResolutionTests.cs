using Diffuse.Pipelines;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Schedulers;
using Diffuse.Tests.Cli;
using Diffuse.Tests.Data;
using SkiaSharp;

namespace Diffuse.Tests.Shipped;

/// <summary>models/fashion-mnist-superres-x2, copied beside the program: a trained ×2 model, and the one `diffuse upscale` uses by default.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ShippedSuperResolutionTests
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-superres-x2");

    /// <summary>
    /// On 32 Fashion-MNIST images reduced to 14×14, the trained model's 28×28 output is far closer to the original than
    /// bicubic upsampling (measured on 200 held-out test images at 20 steps: 23.7 against 19.4 dB); an untrained copy of
    /// the same network is far worse than bicubic.
    /// </summary>
    [Fact]
    public void Shipped_model_beats_bicubic_upsampling_and_an_untrained_copy_does_not()
    {
        using var pipeline = DiffusionPipeline.Load(Folder);
        var superResolution = Assert.IsType<SuperResolutionPipeline>(pipeline);
        Assert.Equal(2, superResolution.Scale);
        var model = superResolution.UNet;
        var schedulerConfig = pipeline.SchedulerConfig;
        TorchSharp.torch.manual_seed(1);
        using var untrained = new UNet2DModel(model.Config);
        using var data = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        IScheduler NewScheduler() => SchedulerRegistry.Create("ddim", schedulerConfig);
        using var trained = SuperResolutionEvaluation.Run(model, NewScheduler, data.Data, 2, 32, 32, 10, seed: 0);
        using var random = SuperResolutionEvaluation.Run(untrained, NewScheduler, data.Data, 2, 32, 32, 10, seed: 0);
        double modelPsnr = trained.ModelPsnr.Average(), bicubicPsnr = trained.BicubicPsnr.Average();
        Assert.True(modelPsnr > bicubicPsnr + 2, $"model {modelPsnr:F2} dB, bicubic {bicubicPsnr:F2} dB");
        Assert.True(random.ModelPsnr.Average() < bicubicPsnr - 5, $"untrained {random.ModelPsnr.Average():F2} dB, bicubic {bicubicPsnr:F2} dB");
    }

    [Fact]
    public void Upscale_without_a_model_uses_the_shipped_one()
    {
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "runs", "superres", "model")));
        using var temp = new TempFolder();
        var small = temp.File("small.png");
        var output = temp.File("large.png");
        PngFixture.Write(small, 14, 14, SKColors.Black, SKColors.White);
        var result = CliProcess.Run("upscale", "--image", small, "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var image = PngFixture.Read(output);
        Assert.Equal(28, image.Width);
        Assert.Equal(28, image.Height);
    }
}
