using System.Text.Json;
using Diffuse.Benchmarks;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// diffuse bench: one-line errors for bad options (in-process), and a tiny real run that writes its JSON; and
/// diffuse sample --dtype, the speed option it measures.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class BenchCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--presets", "tiny,huge", "unknown bench case 'huge'")]
    [InlineData("--batch", "0", "--batch must be positive")]
    [InlineData("--repeats", "0", "--repeats must be positive")]
    [InlineData("--warmup-calls", "-1", "--warmup-calls must be 0 or more")]
    [InlineData("--sampling-steps", "-1", "--sampling-steps must be 0")]
    [InlineData("--size", "2", "--size must be at least 4")]
    [InlineData("--dtype", "float8", "unknown dtype 'float8'")]
    [InlineData("--threads", "0", "--threads must be positive")]
    [InlineData("--out", "bench.txt", "--out must name a .json file")]
    [InlineData("--budget", "-1", "--budget must be 0 or more seconds")]
    [InlineData("--presets", "tiny,tiny", "--presets names a case twice")]
    public void Bad_option_fails_in_one_line(string option, string value, string message) =>
        CliAssert.OneLineError(CliInProcess.Run("bench", option, value), message);

    [Fact]
    public void A_tiny_run_writes_the_figures_it_prints()
    {
        var json = _temp.File("bench.json");
        var result = CliProcess.Run("bench", "--presets", "tiny", "--size", "8", "--batch", "2", "--warmup-calls", "0", "--repeats", "3",
                                    "--sampling-steps", "2", "--out", json);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("GFLOP/s", result.StdOut);
        Assert.Contains("peak = ", result.StdOut);

        var report = BenchReport.Load(json);
        var row = Assert.Single(report.Rows);
        Assert.Equal("tiny", row.Case);
        Assert.Equal(2, row.Batch);
        Assert.Equal(UNetMacs.Forward(ModelPresets.UNet(ModelPresets.Tiny, 1, 8)), row.ForwardMacsPerImage);
        Assert.Equal(3, row.Train.Count);
        Assert.Equal(3, row.Train.WallMs.Count);
        Assert.Equal(row.Train.WallMs.Min(), row.Train.MinMs);
        Assert.True(row.Train.MedianMs > 0 && row.Forward.MedianMs > 0);
        Assert.Equal(2, row.Sampling!.Steps);
        Assert.Equal(row.Sampling.Loop.MinMs / 2, row.Sampling.MsPerEvaluation, 9);
        // The derived rates are written too, from the fastest call.
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var written = document.RootElement.GetProperty("rows")[0];
        Assert.Equal(2 * 1000 / row.Train.MinMs, written.GetProperty("train_images_per_second").GetDouble(), 6);
        Assert.Equal(2.0 * row.ForwardMacsPerImage * 2 / (row.Forward.MinMs * 1e6), written.GetProperty("forward_gflops").GetDouble(), 6);
    }

    [Fact]
    public void Sample_with_an_unknown_dtype_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("sample", "--model", _temp.File("none"), "--dtype", "float8"), "unknown dtype 'float8'");

    [Fact]
    public void Sampling_in_bfloat16_stays_close_to_float32()
    {
        var model = _temp.File("model");
        // Seeded: how far bfloat16 moves a random net's samples depends on the net (0.109 of the range for one unseeded draw).
        manual_seed(7);
        using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 8)))
            TestPipelines.Save(model, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
        Tensor Run(string dtype)
        {
            var tensorFile = _temp.File($"{dtype}.safetensors");
            var result = CliProcess.Run("sample", "--model", model, "--count", "4", "--steps", "3", "--dtype", dtype,
                                        "--save-tensor", tensorFile, "--out", _temp.File($"{dtype}.png"));
            Assert.True(result.ExitCode == 0, result.AllOutput);
            return SampleTensorFile.Read(tensorFile, [1, 8, 8]);
        }
        using var full = Run("float32");
        using var narrow = Run("bfloat16");
        Assert.Equal(ScalarType.Float32, narrow.dtype);
        double difference = (narrow - full).abs().max().item<float>();
        // bfloat16 keeps 8 significant bits: a 3-step run of a random net moves by a few parts in a hundred, not more.
        Assert.InRange(difference, 1e-6, 0.1 * full.abs().max().item<float>());
    }
}
