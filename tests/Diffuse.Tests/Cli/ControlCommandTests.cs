using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// <c>diffuse img2img</c> and <c>diffuse inpaint</c> on a tiny random model: they write images, and refuse bad input in
/// one line (checked in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class ControlCommandTests : IClassFixture<ControlCommandTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Model => Temp.File("model");
        public string ConditionalModel => Temp.File("conditional-model");
        public string Image => Temp.File("image.png");
        public string Mask => Temp.File("mask.png");
        public string SmallMask => Temp.File("mask-20.png");
        public string GrayMask => Temp.File("mask-gray.png");

        public Files()
        {
            manual_seed(1);
            using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
            TestPipelines.Save(Model, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
            manual_seed(2);
            using var conditional = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10));
            TestPipelines.Save(ConditionalModel, conditional, new SchedulerConfig { ClassName = "DDIMScheduler" });
            using var generator = new Generator().manual_seed(3);
            using var image = rand(new long[] { 1, 1, 28, 28 }, generator: generator) * 2 - 1;
            ImageGrid.SavePng(image, Image, columns: 1, padding: 0);
            using var mask = ones(1, 1, 28, 28);
            mask[.., .., .., TensorIndex.Slice(14, 28)] = tensor(-1f);
            ImageGrid.SavePng(mask, Mask, columns: 1, padding: 0);
            using var small = ones(1, 1, 20, 20);
            ImageGrid.SavePng(small, SmallMask, columns: 1, padding: 0);
            using var gray = zeros(1, 1, 28, 28);
            ImageGrid.SavePng(gray, GrayMask, columns: 1, padding: 0);
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public ControlCommandTests(Files files) => _files = files;

    [Fact]
    public void Img2img_with_strength_1_5_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("img2img", "--model", _files.Model, "--image", _files.Image, "--strength", "1.5",
            "--out", _files.Temp.File("x.png")), "--strength must lie in [0, 1] (got 1.5)");

    [Fact]
    public void Inpaint_with_a_20_pixel_mask_for_a_28_pixel_image_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("inpaint", "--model", _files.Model, "--image", _files.Image, "--mask", _files.SmallMask,
            "--out", _files.Temp.File("x.png")), "--mask is 20×20 pixels but --image is 28×28");

    [Fact]
    public void Inpaint_with_a_gray_mask_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("inpaint", "--model", _files.Model, "--image", _files.Image, "--mask", _files.GrayMask,
            "--out", _files.Temp.File("x.png")), "784 pixels are neither");

    [Fact]
    public void Img2img_writes_a_28_pixel_image()
    {
        var output = _files.Temp.File("edited.png");
        var result = CliProcess.Run("img2img", "--model", _files.Model, "--image", _files.Image, "--strength", "0.5", "--steps", "4", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var written = ImageDecoder.Decode(output, 1);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, written.shape);
        Assert.Contains("2 denoising steps from strength 0.5", result.AllOutput);
    }

    [Fact]
    public void Inpaint_keeps_the_white_half_of_the_mask_from_the_image()
    {
        var output = _files.Temp.File("filled.png");
        var result = CliProcess.Run("inpaint", "--model", _files.Model, "--image", _files.Image, "--mask", _files.Mask,
            "--method", "repaint", "--steps", "4", "--jump", "2", "--resample", "2", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var written = ImageDecoder.Decode(output, 3);
        using var input = ImageDecoder.Decode(_files.Image, 3);
        using var kept = written[.., .., .., TensorIndex.Slice(0, 14)];
        using var source = input[.., .., .., TensorIndex.Slice(0, 14)];
        Assert.True(kept.eq(source).all().item<bool>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--class 3 --guidance-scale 2")]
    public void Inpaint_with_a_conditional_model_runs_unconditional_or_guided_and_keeps_the_known_half(string options)
    {
        var classOptions = options.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var output = _files.Temp.File($"filled-conditional-{classOptions.Length}.png");
        var result = CliProcess.Run(["inpaint", "--model", _files.ConditionalModel, "--image", _files.Image, "--mask", _files.Mask,
            "--method", "replace", "--steps", "3", "--out", output, .. classOptions]);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var written = ImageDecoder.Decode(output, 3);
        using var input = ImageDecoder.Decode(_files.Image, 3);
        using var kept = written[.., .., .., TensorIndex.Slice(0, 14)];
        using var source = input[.., .., .., TensorIndex.Slice(0, 14)];
        Assert.True(kept.eq(source).all().item<bool>());
    }

    [Fact]
    public void Img2img_with_a_class_outside_the_model_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("img2img", "--model", _files.ConditionalModel, "--image", _files.Image, "--class", "12",
            "--out", _files.Temp.File("x.png")), "--class 12 is outside the model's classes 0..9");

    [Fact]
    public void Img2img_with_guidance_but_no_class_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("img2img", "--model", _files.ConditionalModel, "--image", _files.Image, "--guidance-scale", "2",
            "--out", _files.Temp.File("x.png")), "--guidance-scale needs a class to guide towards");

    [Fact]
    public void Inpaint_with_a_class_on_an_unconditional_model_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("inpaint", "--model", _files.Model, "--image", _files.Image, "--mask", _files.Mask, "--class", "1",
            "--out", _files.Temp.File("x.png")), "--class applies to class-conditional models only");
}
