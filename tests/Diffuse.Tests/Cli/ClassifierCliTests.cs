using System.Text.Json;
using Diffuse.IO;
using Diffuse.Metrics;
using Diffuse.Models;
using Diffuse.Schedules;
using Diffuse.Tests.Data;
using Diffuse.Training;

namespace Diffuse.Tests.Cli;

/// <summary>train-classifier and eval as a user runs them: tiny inputs, so each run takes seconds.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class ClassifierCliTests : IClassFixture<ClassifierCliTests.Files>
{
    public sealed class Files : IDisposable
    {
        public TempFolder Temp { get; } = new();
        public string Model => Temp.File("model");
        public string Classifier => Temp.File("classifier");
        public string LabelledImages => Temp.File("tiny-images-idx3-ubyte");
        public string UnlabelledImages => Temp.File("alone-images-idx3-ubyte");

        public Files()
        {
            using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28)))
                PipelineFolder.Save(Model, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
            using (var classifier = new FashionClassifier(new FashionClassifierConfig { BlockOutChannels = [8, 16, 16], FeatureDim = 16 }))
                ClassifierFolder.Save(Classifier, classifier);
            var random = new Random(5);
            var pixels = new byte[40 * 28 * 28];
            random.NextBytes(pixels);
            IdxFixture.WriteImages(LabelledImages, 40, 28, 28, pixels);
            IdxFixture.WriteLabels(Temp.File("tiny-labels-idx1-ubyte"), Enumerable.Range(0, 40).Select(i => (byte)(i % 10)).ToArray());
            IdxFixture.WriteImages(UnlabelledImages, 40, 28, 28, pixels);
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Files _files;

    public ClassifierCliTests(Files files) => _files = files;

    [Fact]
    public void Eval_with_a_missing_classifier_folder_fails_in_one_line() =>
        CliAssert.OneLineError(CliProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Temp.File("nowhere"), "--count", "8"),
            $"classifier folder '{_files.Temp.File("nowhere")}' not found");

    [Fact]
    public void Eval_of_a_model_folder_as_classifier_fails_in_one_line() =>
        CliAssert.OneLineError(CliProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Model, "--count", "8"),
            "not a classifier folder: config.json is missing");

    [Fact]
    public void Eval_asking_for_more_images_than_the_data_holds_fails_in_one_line() =>
        CliAssert.OneLineError(CliProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--data", _files.LabelledImages, "--count", "100"),
            $"{_files.LabelledImages}: holds 40 images, fewer than --count 100");

    [Fact]
    public void Train_classifier_on_images_without_labels_fails_in_one_line() =>
        CliAssert.OneLineError(CliProcess.Run("train-classifier", "--data", _files.UnlabelledImages, "--out", _files.Temp.File("c-none")),
            $"{_files.UnlabelledImages}: has no labels");

    [Fact]
    public void Train_classifier_with_a_test_set_without_labels_fails_in_one_line() =>
        CliAssert.OneLineError(CliProcess.Run("train-classifier", "--data", _files.LabelledImages, "--test", _files.UnlabelledImages, "--out", _files.Temp.File("c-test")),
            $"{_files.UnlabelledImages}: has no labels");

    [Fact]
    public void Train_classifier_on_40_labelled_images_writes_a_folder_with_its_test_accuracy()
    {
        var folder = _files.Temp.File("c-ok");
        var result = CliProcess.Run("train-classifier", "--data", _files.LabelledImages, "--epochs", "1", "--batch", "8", "--out", folder);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ClassifierFolder.MetricsFile)));
        Assert.Equal(8, metrics.RootElement.GetProperty("test_count").GetInt32());      // a fifth of 40 held out
        Assert.Equal(32, metrics.RootElement.GetProperty("train_count").GetInt32());
        double accuracy = metrics.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        using var loaded = ClassifierFolder.Load(folder);
        Assert.Equal(10, loaded.Config.NumClasses);
    }

    [Fact]
    public void Eval_of_8_samples_writes_the_distance_and_the_real_vs_real_floor()
    {
        var outPath = _files.Temp.File("eval-8.json");
        var result = CliProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--count", "8", "--batch", "3",
            "--steps", "2", "--out", outPath);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("floor, real vs real (8 vs 8)", result.StdOut);
        var report = JsonSerializer.Deserialize<SampleQualityReport>(File.ReadAllText(outPath))!;
        Assert.Equal(8, report.Count);
        Assert.Equal("DDIMScheduler", report.Sampler);
        Assert.True(double.IsFinite(report.FrechetDistance) && report.FrechetDistance >= 0, $"{report.FrechetDistance}");
        Assert.True(double.IsFinite(report.RealVsRealFrechetDistance) && report.RealVsRealFrechetDistance >= 0, $"{report.RealVsRealFrechetDistance}");
    }
}
