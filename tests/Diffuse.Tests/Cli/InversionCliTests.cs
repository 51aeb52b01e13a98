using Diffuse.Data;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// <c>diffuse invert</c>, <c>diffuse interpolate</c> and <c>diffuse sample --trajectory</c> on tiny random models; bad
/// values are refused in one line (checked in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class InversionCliTests : IClassFixture<InversionCliTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Model => Temp.File("model");
        public string ConditionalModel => Temp.File("conditional-model");
        public string ToyModel => Temp.File("toy-model");
        public string ImageA => Temp.File("a.png");
        public string ImageB => Temp.File("b.png");
        public string Small => Temp.File("small.png");
        public string Colour => Temp.File("colour.png");

        public Files()
        {
            manual_seed(1);
            using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28));
            TestPipelines.Save(Model, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
            manual_seed(2);
            using var conditional = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10));
            TestPipelines.Save(ConditionalModel, conditional, new SchedulerConfig { ClassName = "DDIMScheduler" });
            manual_seed(3);
            using var toy = new ToyMlp(new ToyMlpConfig());
            TestPipelines.Save(ToyModel, toy, new SchedulerConfig { ClassName = "DDIMScheduler" });
            using var generator = new Generator().manual_seed(4);
            using var a = rand(new long[] { 1, 1, 28, 28 }, generator: generator) * 2 - 1;
            ImageGrid.SavePng(a, ImageA, columns: 1, padding: 0);
            using var b = rand(new long[] { 1, 1, 28, 28 }, generator: generator) * 2 - 1;
            ImageGrid.SavePng(b, ImageB, columns: 1, padding: 0);
            using var small = zeros(1, 1, 20, 20);
            ImageGrid.SavePng(small, Small, columns: 1, padding: 0);
            using var colour = rand(new long[] { 1, 3, 28, 28 }, generator: generator) * 2 - 1;
            ImageGrid.SavePng(colour, Colour, columns: 1, padding: 0);
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public InversionCliTests(Files files) => _files = files;

    [Fact]
    public void Invert_writes_the_noise_and_a_reconstruction_with_its_error()
    {
        var noise = _files.Temp.File("noise.safetensors");
        var reconstruction = _files.Temp.File("reconstruction.png");
        var result = CliProcess.Run("invert", "--model", _files.Model, "--image", _files.ImageA, "--steps", "3",
            "--out", noise, "--reconstruction", reconstruction);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var x = SampleTensorFile.Read(noise, [1, 28, 28]);
        Assert.Equal(1, x.shape[0]);
        using var image = ImageDecoder.Decode(_files.ImageA, 1);
        Assert.True(x.sub(image).abs().max().item<float>() > 0.1);   // inverted, not copied
        using var written = ImageDecoder.Decode(reconstruction, 1);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, written.shape);
        Assert.Contains("inverted in 3 DDIM steps", result.AllOutput);
        Assert.Contains("reconstruction error RMSE", result.AllOutput);

        // diffuse sample decodes the same noise to the same image (as 8-bit pixels), as the printed hint says.
        var decoded = _files.Temp.File("decoded.safetensors");
        var sample = CliProcess.Run("sample", "--model", _files.Model, "--init-noise", noise, "--sampler", "ddim", "--eta", "0",
            "--steps", "3", "--no-clip", "--save-tensor", decoded, "--out", _files.Temp.File("decoded.png"));
        Assert.True(sample.ExitCode == 0, sample.AllOutput);
        using var tensorOut = SampleTensorFile.Read(decoded, [1, 28, 28]);
        using var pixels = ((tensorOut.clamp(-1, 1) + 1) / 2 * 255).round() / 127.5 - 1;
        Assert.True(pixels.sub(written).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Interpolate_writes_a_strip_of_a_the_frames_and_b()
    {
        var output = _files.Temp.File("strip.png");
        var result = CliProcess.Run("interpolate", "--model", _files.ConditionalModel, "--from", _files.ImageA, "--to", _files.ImageB,
            "--class", "10", "--frames", "3", "--steps", "2", "--scale", "1", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var strip = ImageDecoder.Decode(output, 1);
        // 5 images of 28 pixels with 2 pixels of padding between and around: 5·30 + 2 by 30 + 2.
        Assert.Equal(new long[] { 1, 1, 32, 152 }, strip.shape);
        using var a = ImageDecoder.Decode(_files.ImageA, 1);
        using var first = strip[.., .., TensorIndex.Slice(2, 30), TensorIndex.Slice(2, 30)];
        Assert.True(first.eq(a).all().item<bool>());
        Assert.Contains("reconstruction of --from: RMSE", result.AllOutput);
        Assert.Contains("reconstruction of --to: RMSE", result.AllOutput);
    }

    [Fact]
    public void Sample_trajectory_has_a_row_per_sample_and_ends_on_the_sample()
    {
        var trajectory = _files.Temp.File("trajectory.png");
        var tensorFile = _files.Temp.File("samples.safetensors");
        var result = CliProcess.Run("sample", "--model", _files.Model, "--count", "2", "--steps", "4", "--scale", "1",
            "--trajectory", trajectory, "--trajectory-steps", "3", "--save-tensor", tensorFile, "--out", _files.Temp.File("grid.png"));
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("trajectory at steps 1,3,4 of 4", result.AllOutput);
        using var strip = ImageDecoder.Decode(trajectory, 1);
        Assert.Equal(new long[] { 1, 1, 2 * 30 + 2, 6 * 30 + 2 }, strip.shape);
        using var samples = SampleTensorFile.Read(tensorFile, [1, 28, 28]);
        // The PNG holds round((x + 1)/2·255) of the clamped sample.
        using var pixels = ((samples.clamp(-1, 1) + 1) / 2 * 255).round() / 127.5 - 1;
        for (int n = 0; n < 2; n++)
        {
            int top = 2 + n * 30, left = 2 + 5 * 30;
            using var cell = strip[0, .., TensorIndex.Slice(top, top + 28), TensorIndex.Slice(left, left + 28)];
            Assert.True(cell.sub(pixels[n]).abs().max().item<float>() < 1e-5);
        }
    }

    [Theory]
    [InlineData("invert", new[] { "--steps", "0", "--out", "x.safetensors" }, "--steps must be positive (got 0)")]
    [InlineData("invert", new[] { "--out", "noise.png" }, "--out must name a .safetensors file (got 'noise.png')")]
    [InlineData("interpolate", new[] { "--frames", "1", "--out", "x.png" }, "--frames must be at least 2, the two ends (got 1)")]
    [InlineData("interpolate", new[] { "--steps", "-3", "--out", "x.png" }, "--steps must be positive (got -3)")]
    public void Bad_values_are_one_line_errors(string command, string[] options, string expected)
    {
        string[] images = command == "invert" ? ["--image", _files.ImageA] : ["--from", _files.ImageA, "--to", _files.ImageB];
        CliAssert.OneLineError(CliInProcess.Run([command, "--model", _files.Model, .. images, .. options]), expected);
    }

    [Fact]
    public void An_image_of_another_size_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("invert", "--model", _files.Model, "--image", _files.Small, "--out", _files.Temp.File("x.safetensors")),
            "--image is 20×20 pixels but the model makes 28×28 images");

    [Fact]
    public void A_colour_image_for_a_gray_model_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("interpolate", "--model", _files.Model, "--from", _files.ImageA, "--to", _files.Colour,
            "--out", _files.Temp.File("x.png")), "--to is a colour image but the model makes gray (1-channel) images");

    [Fact]
    public void A_conditional_model_needs_a_class_in_range()
    {
        CliAssert.OneLineError(CliInProcess.Run("invert", "--model", _files.ConditionalModel, "--image", _files.ImageA,
            "--out", _files.Temp.File("x.safetensors")), "--class is required for this class-conditional model: 0..9 (10 is the null class: no class)");
        CliAssert.OneLineError(CliInProcess.Run("invert", "--model", _files.ConditionalModel, "--image", _files.ImageA, "--class", "11",
            "--out", _files.Temp.File("x.safetensors")), "--class 11 is outside the model's classes 0..9");
        CliAssert.OneLineError(CliInProcess.Run("invert", "--model", _files.Model, "--image", _files.ImageA, "--class", "1",
            "--out", _files.Temp.File("x.safetensors")), "--class needs a class-conditional model");
    }

    [Theory]
    [InlineData(new[] { "--trajectory-steps", "3" }, "--trajectory-steps needs --trajectory FILE.png")]
    [InlineData(new[] { "--trajectory", "TRAJ", "--trajectory-steps", "1" }, "--trajectory-steps must be at least 2, the first and the last step (got 1)")]
    [InlineData(new[] { "--trajectory", "TRAJ", "--trajectory-steps", "9", "--steps", "4" }, "--trajectory-steps 9 is more than --steps 4")]
    [InlineData(new[] { "--trajectory", "traj.jpg" }, "--trajectory must name a .png file")]
    public void Bad_trajectory_options_are_one_line_errors(string[] options, string expected)
    {
        var args = options.Select(o => o == "TRAJ" ? _files.Temp.File("t.png") : o).ToArray();
        CliAssert.OneLineError(CliInProcess.Run(["sample", "--model", _files.Model, .. args, "--out", _files.Temp.File("x.png")]), expected);
    }

    [Fact]
    public void A_trajectory_of_a_toy_model_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _files.ToyModel, "--trajectory", _files.Temp.File("t.png"),
            "--out", _files.Temp.File("x.png")), "--trajectory needs an image model");
}
