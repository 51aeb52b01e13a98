using Diffuse.Pipelines;
using System.Text.Json;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Data;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Tests.Cli;

/// <summary>
/// nll and sweep as a user runs them: tiny untrained models, so each run takes seconds; bad values are refused in one
/// line (checked in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class QualityCliTests : IClassFixture<QualityCliTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Model => Temp.File("model");
        public string ConditionalModel => Temp.File("conditional-model");
        public string ClassUNetInDdpmPipeline => Temp.File("class-unet-in-ddpm-pipeline");
        public string ToyModel => Temp.File("toy-model");
        public string Classifier => Temp.File("classifier");
        public string Images => Temp.File("tiny-images-idx3-ubyte");

        public Files()
        {
            manual_seed(1);
            using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28)))
                TestPipelines.Save(Model, unet, new SchedulerConfig { ClassName = "DDIMScheduler", NumTrainTimesteps = 50 });
            manual_seed(2);
            using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28, numClasses: 10)))
            {
                TestPipelines.Save(ConditionalModel, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
                // A diffusers DDPMPipeline folder whose UNet has class embeddings: nothing says which class means "none".
                new DdpmPipeline(unet, new SchedulerConfig { ClassName = "DDIMScheduler" }).Save(ClassUNetInDdpmPipeline);
            }
            manual_seed(3);
            using (var toy = new ToyMlp(ModelPresets.Toy()))
                TestPipelines.Save(ToyModel, toy, new SchedulerConfig { ClassName = "DDIMScheduler", NumTrainTimesteps = 20, ClipSample = false });
            manual_seed(4);
            using (var classifier = new FashionClassifier(new FashionClassifierConfig { BlockOutChannels = [8, 16, 16], FeatureDim = 16 }))
                ClassifierFolder.Save(Classifier, classifier);
            var pixels = new byte[40 * 28 * 28];
            new Random(5).NextBytes(pixels);
            IdxFixture.WriteImages(Images, 40, 28, 28, pixels);
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public QualityCliTests(Files files) => _files = files;

    [Theory]
    [InlineData("--count", "1", "--count must be at least 2")]
    [InlineData("--batch", "0", "--batch must be positive")]
    [InlineData("--timestep-samples", "0", "--timestep-samples must be positive")]
    [InlineData("--timestep-samples", "50", "--timestep-samples must be at most 49")]
    [InlineData("--out", "nll.txt", "--out must name a .json file")]
    [InlineData("--count", "41", "holds 40 images, fewer than --count 41")]
    public void Nll_refuses_bad_values_in_one_line(string option, string value, string message)
    {
        string[] count = option == "--count" ? [] : ["--count", "4"];
        CliAssert.OneLineError(CliInProcess.Run(["nll", "--model", _files.Model, "--data", _files.Images, .. count, option, value]), message);
    }

    [Fact]
    public void Nll_of_a_toy_model_needs_toy_data() =>
        CliAssert.OneLineError(CliInProcess.Run("nll", "--model", _files.ToyModel, "--data", _files.Images), "is a 2-D toy model: --data must be one of");

    [Fact]
    public void Nll_of_a_ddpm_pipeline_whose_unet_needs_class_labels_is_a_one_line_error() =>
        CliAssert.OneLineError(CliInProcess.Run("nll", "--model", _files.ClassUNetInDdpmPipeline, "--data", _files.Images, "--count", "4"), "class labels are required");

    static string FlowModel => Path.Combine(AppContext.BaseDirectory, "models", "fashion-mnist-flow");

    [Fact]
    public void Nll_of_a_flow_matching_model_is_a_one_line_error()
    {
        var path = _files.Temp.File("flow-nll.json");
        CliAssert.OneLineError(CliInProcess.Run("nll", "--model", FlowModel, "--data", _files.Images, "--count", "4", "--out", path),
            "the variational bound is that of a diffusion model (a β schedule); this model was trained for flow matching (FlowMatchEulerDiscreteScheduler)");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Sweep_of_a_flow_matching_model_refuses_diffusion_rows_before_sampling() =>
        CliAssert.OneLineError(CliInProcess.Run("sweep", "--model", FlowModel, "--classifier", _files.Classifier, "--data", _files.Images,
            "--count", "4", "--rows", "flow_euler:2,ddpm:10"),
            "--rows 'ddpm:10': 'ddpm' samples a diffusion model, but this model was trained for flow matching");

    [Fact]
    public void Nll_conditional_needs_labels() =>
        CliAssert.OneLineError(CliInProcess.Run("nll", "--model", _files.ConditionalModel, "--data", _files.Images, "--count", "4", "--conditional"), "has no labels");

    [Fact]
    public void Nll_of_a_toy_model_writes_its_terms_which_add_up_to_the_total()
    {
        var path = _files.Temp.File("toy-nll.json");
        var result = CliProcess.Run("nll", "--model", _files.ToyModel, "--data", "moons", "--count", "64", "--out", path);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("NLL bound, 64 images", result.StdOut);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        double Get(string name) => root.GetProperty(name).GetDouble();
        Assert.Equal("continuous_gaussian", root.GetProperty("decoder").GetString());
        Assert.Equal(20, root.GetProperty("network_evaluations_per_image").GetInt32());
        Assert.Equal(Get("bits_per_dim"), Get("prior_bits_per_dim") + Get("transitions_bits_per_dim") + Get("decoder_bits_per_dim"), 1e-9);
        var byTimestep = root.GetProperty("terms_by_timestep").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(20, byTimestep.Length);
        Assert.Equal(Get("bits_per_dim") - Get("prior_bits_per_dim"), byTimestep.Sum(), 1e-9);
        Assert.True(Get("bits_per_dim_standard_error") > 0);
    }

    [Fact]
    public void Nll_with_sampled_timesteps_says_it_is_an_estimate()
    {
        var path = _files.Temp.File("estimate.json");
        var result = CliProcess.Run("nll", "--model", _files.Model, "--data", _files.Images, "--count", "4", "--timestep-samples", "3", "--out", path);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("estimate: transitions from 3 of 49 timesteps per image", result.StdOut);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(3, json.RootElement.GetProperty("sampled_timesteps").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("network_evaluations_per_image").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("terms_by_timestep", out _));
        Assert.InRange(json.RootElement.GetProperty("decoder_bits_per_dim").GetDouble(), 0, 40);   // a probability: never negative
    }

    [Theory]
    [InlineData("--rows", "ddim", "'ddim' is not SAMPLER:STEPS")]
    [InlineData("--rows", "bogus:3", "unknown sampler 'bogus'")]
    [InlineData("--count", "1", "--count must be at least 2")]
    [InlineData("--batch", "0", "--batch must be positive")]
    [InlineData("--out", "sweep.txt", "--out must name a .json file")]
    public void Sweep_refuses_bad_values_in_one_line(string option, string value, string message)
    {
        string[] count = option == "--count" ? [] : ["--count", "4"];
        CliAssert.OneLineError(CliInProcess.Run(["sweep", "--model", _files.Model, "--classifier", _files.Classifier, "--data", _files.Images, .. count, option, value]), message);
    }

    [Fact]
    public void Sweep_of_two_rows_prints_and_writes_both_with_their_network_evaluations()
    {
        var path = _files.Temp.File("sweep.json");
        var result = CliProcess.Run("sweep", "--model", _files.Model, "--classifier", _files.Classifier, "--data", _files.Images,
            "--rows", "ddim:2,heun:2", "--count", "4", "--batch", "4", "--out", path);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("real vs real", result.StdOut);
        var report = JsonSerializer.Deserialize<SweepReport>(File.ReadAllText(path))!;
        Assert.Equal(new[] { "ddim", "heun" }, report.Rows.Select(r => r.Sampler));
        Assert.Equal(new[] { 2, 3 }, report.Rows.Select(r => r.NetworkEvaluations));
        Assert.Equal(4, report.FloorCount);   // 40 images hold two disjoint sets of 4
    }
}
