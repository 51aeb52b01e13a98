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
/// train-classifier and eval as a user runs them: tiny inputs, so each run takes seconds; bad options are refused in
/// one line (checked in-process).
/// </summary>
[Collection(GlobalRngCollection.Name)]
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
            manual_seed(1);
            using (var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Tiny, 1, 28)))
                TestPipelines.Save(Model, unet, new SchedulerConfig { ClassName = "DDIMScheduler" });
            manual_seed(2);
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
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Temp.File("nowhere"), "--count", "8"),
            $"classifier folder '{_files.Temp.File("nowhere")}' not found");

    [Fact]
    public void Eval_of_a_model_folder_as_classifier_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Model, "--count", "8"),
            "not a classifier folder: config.json is missing");

    [Fact]
    public void Eval_asking_for_more_images_than_the_data_holds_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--data", _files.LabelledImages, "--count", "100"),
            $"{_files.LabelledImages}: holds 40 images, fewer than --count 100");

    [Fact]
    public void Eval_with_unknown_features_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--features", "vgg", "--count", "8"),
            "--features must be classifier or inception (got 'vgg')");

    [Fact]
    public void Eval_with_inception_features_but_no_weights_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--features", "inception", "--count", "8"),
            "--features inception needs --inception-weights FILE");

    [Fact]
    public void Eval_with_inception_weights_but_classifier_features_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--inception-weights", "w.pth", "--count", "8"),
            "--inception-weights is read only with --features inception");

    [Fact]
    public void Eval_with_a_missing_inception_weights_file_fails_in_one_line()
    {
        var missing = _files.Temp.File("pt_inception-missing.pth");
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--features", "inception", "--inception-weights", missing, "--count", "8"),
            $"Inception weights '{missing}' not found");
    }

    [Fact]
    public void Eval_with_a_classifiers_weights_as_inception_weights_names_the_first_missing_key()
    {
        var weights = Path.Combine(_files.Classifier, ClassifierFolder.WeightsFile);
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--features", "inception", "--inception-weights", weights, "--count", "8"),
            $"{weights}: missing weight 'Conv2d_1a_3x3.conv.weight'");
    }

    [Fact]
    public void Eval_with_inception_weights_that_are_no_pytorch_file_fails_in_one_line()
    {
        var weights = _files.Temp.File("not-a-state-dict.pth");
        File.WriteAllText(weights, "<html>404</html>");
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--features", "inception", "--inception-weights", weights, "--count", "8"),
            $"{weights}: not a PyTorch file");
    }

    [Fact]
    public void Eval_of_fewer_than_8_samples_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--count", "7"),
            "--count must be at least 8 (got 7)");

    [Fact]
    public void Train_classifier_on_images_without_labels_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("train-classifier", "--data", _files.UnlabelledImages, "--out", _files.Temp.File("c-none")),
            $"{_files.UnlabelledImages}: has no labels");

    [Fact]
    public void Train_classifier_with_a_test_set_without_labels_fails_in_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("train-classifier", "--data", _files.LabelledImages, "--test", _files.UnlabelledImages, "--out", _files.Temp.File("c-test")),
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
    public void Eval_of_8_samples_writes_every_figure_and_its_real_vs_real_floor()
    {
        var outPath = _files.Temp.File("eval-8.json");
        var result = CliProcess.Run("eval", "--model", _files.Model, "--classifier", _files.Classifier, "--count", "8", "--batch", "3",
            "--steps", "2", "--out", outPath);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        Assert.Contains("samples vs real: 8 vs 8 images; floor, real vs real: 8 vs 8", result.StdOut);
        foreach (var row in new[] { "Fréchet distance", "KID, mean ± std", "precision (k = 3)", "recall (k = 3)" })
            Assert.Contains(row, result.StdOut);
        var report = JsonSerializer.Deserialize<SampleQualityReport>(File.ReadAllText(outPath))!;
        Assert.Equal(8, report.Count);
        Assert.Equal("DDIMScheduler", report.Sampler);
        Assert.Equal("classifier", report.Features);
        Assert.Equal(8, report.FloorCount);
        Assert.Equal(8, report.KidSubsetSize);                      // min(1000, count)
        Assert.Equal(3, report.PrecisionRecallK);
        Assert.True(double.IsFinite(report.FrechetDistance) && report.FrechetDistance >= 0, $"{report.FrechetDistance}");
        Assert.True(double.IsFinite(report.RealVsRealFrechetDistance) && report.RealVsRealFrechetDistance >= 0, $"{report.RealVsRealFrechetDistance}");
        Assert.True(double.IsFinite(report.KidMean) && double.IsFinite(report.RealVsRealKidMean), $"{report.KidMean} {report.RealVsRealKidMean}");
        Assert.Equal(0, report.KidStd);                             // one subset size equal to both sets: every subset is the whole set
        // Shares of 8 points: multiples of 1/8 in [0, 1].
        foreach (var share in new[] { report.Precision, report.Recall, report.RealVsRealPrecision, report.RealVsRealRecall })
            Assert.Equal(0, share * 8 % 1, 9);
        Assert.InRange(report.Precision, 0, 1);
        Assert.InRange(report.RealVsRealRecall, 0, 1);
        // The keys earlier versions wrote are still there.
        using var json = JsonDocument.Parse(File.ReadAllText(outPath));
        foreach (var key in new[] { "frechet_distance", "real_vs_real_frechet_distance", "real_vs_real_count", "classifier", "kid_mean", "precision", "real_vs_real_recall" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), key);
    }
}
