using Diffuse.Data;

namespace Diffuse.Tests.Cli;

/// <summary>
/// What <c>diffuse sample</c> takes as --model and --device, in-process: a training run's own folder, and one-line
/// errors for a preset's name and for devices this machine does not have.
/// </summary>
[Collection(GlobalRngCollection.Name)]    // an in-process train seeds libtorch's global generator
public sealed class SampleModelOptionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sample_from_a_training_run_folder_uses_its_model_and_writes_a_png()
    {
        var run = _temp.File("run");
        var training = CliInProcess.Run("train", "--preset", "tiny", "--steps", "2", "--batch", "4", "--sample-every", "0",
                                        "--sample-steps", "2", "--out", run);
        Assert.True(training.ExitCode == 0, training.AllOutput);
        Assert.True(Directory.Exists(Path.Combine(run, "model")));

        var output = _temp.File("grid.png");
        var result = CliInProcess.Run("sample", "--model", run, "--steps", "2", "--count", "4", "--columns", "2", "--scale", "1", "--out", output);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains($"wrote {output}", result.StdOut);
        using var grid = ImageDecoder.Decode(output, 1);
        Assert.Equal(new long[] { 1, 1, 2 * 30 + 2, 2 * 30 + 2 }, grid.shape);   // 2×2 images of 28 pixels, 2 pixels of padding
    }

    [Fact]
    public void A_preset_name_as_model_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", "tiny", "--out", _temp.File("x.png")),
            "--model 'tiny' is a model preset, not a folder: presets size a new model (diffuse train --preset tiny)");

    // The tests run on libtorch-cpu, which has no CUDA whatever the machine holds.
    [Theory]
    [InlineData("cuda", "--device 'cuda' is not available")]
    [InlineData("cuda:1", "--device 'cuda:1' is not available")]
    [InlineData("tpu", "--device 'tpu' is not a device (expected cpu, cuda or cuda:N)")]
    public void A_device_this_machine_lacks_is_a_one_line_error(string device, string message) =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--device", device, "--out", _temp.File("x.png")), message);
}
