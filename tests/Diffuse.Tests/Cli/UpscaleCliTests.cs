using Diffuse.Pipelines;
using System.Text.Json;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Data;
using Diffuse.Training;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// train --task superres and upscale as a user runs them: a tiny model trained for two steps, end to end; bad options
/// are refused in one line (checked in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class UpscaleCliTests : IClassFixture<UpscaleCliTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Run => Temp.File("run");
        public string Model => Path.Combine(Run, "model");
        public string PlainModel => Temp.File("plain-model");
        public string Small => Temp.File("small.png");
        public string Large => Temp.File("large.png");
        public CliResult Training { get; }

        public Files()
        {
            Training = CliProcess.Run("train", "--task", "superres", "--superres-scale", "2", "--preset", "tiny", "--steps", "2", "--batch", "4",
                                      "--sample-steps", "2", "--sample-every", "0", "--out", Run);
            manual_seed(1);
            using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28)))
                TestPipelines.Save(PlainModel, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
            PngFixture.Write(Small, 14, 14, SKColors.Black, SKColors.White);
            PngFixture.Write(Large, 28, 28, SKColors.Black, SKColors.White);
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public UpscaleCliTests(Files files) => _files = files;

    [Fact]
    public void Training_writes_a_superres_model_and_a_comparison_grid()
    {
        Assert.True(_files.Training.ExitCode == 0, _files.Training.AllOutput);
        var config = UNet2DConfig.Load(Path.Combine(_files.Model, "unet", "config.json"));
        var index = ModelIndex.Load(Path.Combine(_files.Model, "model_index.json"));
        Assert.Equal(SuperResolutionPipeline.PipelineClassName, index.ClassName);
        Assert.Equal(2, index.IntSetting(SuperResolutionPipeline.ScaleKey, "model_index.json"));
        Assert.Equal(2, config.InChannels);
        // Up to 32 triplets of 28-pixel panels at 2× with 2-pixel padding, four triplets (12 panels) a row.
        using var grid = PngFixture.Read(Path.Combine(_files.Run, "samples.png"));
        Assert.Equal(12 * (56 + 2) + 2, grid.Width);
        Assert.Equal(8 * (56 + 2) + 2, grid.Height);
    }

    [Fact]
    public void Upscale_makes_a_14_pixel_image_28_pixels()
    {
        var output = _files.Temp.File("upscaled.png");
        var result = CliProcess.Run("upscale", "--model", _files.Model, "--image", _files.Small, "--steps", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var image = PngFixture.Read(output);
        Assert.Equal((28, 28), (image.Width, image.Height));
    }

    [Fact]
    public void Evaluation_reports_the_model_and_the_bicubic_psnr_of_the_same_images()
    {
        var figures = _files.Temp.File("compare.json");
        var result = CliProcess.Run("upscale", "--model", _files.Model, "--data", "fashion-mnist", "--count", "5", "--batch", "3",
                                    "--steps", "2", "--out", figures);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("bicubic", result.StdOut);
        var grid = Path.ChangeExtension(figures, ".png");
        using var json = JsonDocument.Parse(File.ReadAllText(figures));
        var root = json.RootElement;
        Assert.Equal(5, root.GetProperty("count").GetInt32());
        Assert.Equal(5, root.GetProperty("per_image_model_db").GetArrayLength());

        // The bicubic figure is the same pipeline computed here: the first five images, 8-bit, reduced, bicubic, PSNR.
        using var data = DatasetLoader.Load("fashion-mnist", 28, 1);
        using var original = LowResolution.RoundTo8Bits(data.Data.narrow(0, 0, 5));
        using var low = LowResolution.Degrade(original, 2);
        using var bicubic = LowResolution.RoundTo8Bits(LowResolution.Upsample(low, 2));
        using var psnr = Psnr.PerImage(bicubic, original);
        Assert.Equal(psnr.mean().item<double>(), root.GetProperty("psnr_bicubic_db").GetDouble(), 6);
        // Two groups of four 28-pixel panels a row at 2×: 8 columns, 3 rows for 5 images.
        using var image = PngFixture.Read(grid);
        Assert.Equal((8 * 58 + 2, 3 * 58 + 2), (image.Width, image.Height));
    }

    [Fact]
    public void An_image_not_at_the_low_resolution_is_refused() =>
        CliAssert.OneLineError(CliInProcess.Run("upscale", "--model", _files.Model, "--image", _files.Large, "--out", _files.Temp.File("x.png")),
                               "is 28×28 pixels but this ×2 model upscales 14×14 images");

    [Fact]
    public void A_model_that_is_not_a_superres_model_is_refused() =>
        CliAssert.OneLineError(CliInProcess.Run("upscale", "--model", _files.PlainModel, "--image", _files.Small, "--out", _files.Temp.File("x.png")),
                               "is not a super-resolution model");

    [Theory]
    [InlineData("sample")]
    [InlineData("img2img")]
    public void Sampling_a_superres_model_from_noise_is_refused(string command)
    {
        string[] args = command == "sample" ? ["sample", "--model", _files.Model, "--out", _files.Temp.File("x.png")]
                                            : ["img2img", "--model", _files.Model, "--image", _files.Large, "--out", _files.Temp.File("x.png")];
        CliAssert.OneLineError(CliInProcess.Run(args), $"is a super-resolution model (DiffuseSuperResolutionPipeline): {command} cannot use it");
    }

    [Theory]
    [InlineData("--superres-scale 2", "--superres-scale applies to the superres task only")]
    [InlineData("--task superres --superres-scale 3", "--superres-scale 3 does not divide the image size 28")]
    [InlineData("--task superres --superres-scale 1", "--superres-scale must be 2 or more")]
    [InlineData("--task enlarge", "--task 'enlarge' is unknown")]
    [InlineData("--task superres --conditional", "--conditional cannot be combined with the superres task")]
    public void Bad_train_options(string options, string message) =>
        CliAssert.OneLineError(CliInProcess.Run(["train", .. options.Split(' '), "--preset", "tiny", "--steps", "1", "--out", _files.Temp.File("bad-run")]), message);

    [Theory]
    [InlineData("", "give either --image")]
    [InlineData("--image IMG --data fashion-mnist", "give either --image")]
    [InlineData("--data fashion-mnist --count 0", "--count must be positive")]
    [InlineData("--data fashion-mnist --average 0", "--average must be positive")]
    [InlineData("--data fashion-mnist --count 20000", "fewer than --count 20000")]
    [InlineData("--image IMG --grid x.png", "--grid applies to --data only")]
    [InlineData("--data fashion-mnist --out x.png", "--out must name a .json file with --data")]
    [InlineData("--image IMG --sampler bogus", "--sampler 'bogus' is unknown")]
    public void Bad_upscale_options(string options, string message)
    {
        var extra = options.Length == 0 ? [] : options.Replace("IMG", _files.Small).Split(' ');
        string[] output = options.Contains("--out") ? [] : ["--out", _files.Temp.File(options.Contains("--data") ? "x.json" : "x.png")];
        CliAssert.OneLineError(CliInProcess.Run(["upscale", "--model", _files.Model, .. extra, .. output]), message);
    }
}
