using Diffuse.Evaluation;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

[Collection(GlobalRngCollection.Name)]
public sealed class FashionClassifierTests : IClassFixture<TrainedClassifierFixture>
{
    private readonly TrainedClassifierFixture _fixture;
    private readonly ITestOutputHelper _output;

    public FashionClassifierTests(TrainedClassifierFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Two_epochs_on_1000_images_reach_over_60_percent_on_1000_held_out()
    {
        double accuracy = ClassifierTrainer.Accuracy(_fixture.Classifier, _fixture.HeldOutImages, _fixture.HeldOutLabels);
        _output.WriteLine($"held-out accuracy {accuracy:P1} after {_fixture.TrainSeconds:F1} s of training");
        Assert.True(accuracy > 0.60, $"accuracy {accuracy:P1}; chance is 10%");
    }

    [Fact]
    public void Frechet_distance_of_noise_to_real_is_over_10_times_real_to_real()
    {
        using var halfA = _fixture.HeldOutImages.narrow(0, 0, 500);
        using var halfB = _fixture.HeldOutImages.narrow(0, 500, 500);
        using var generator = new Generator().manual_seed(3);
        using var noise = randn([500, 1, 28, 28], generator: generator).clamp(-1, 1);
        double realVsReal = ClassifierFrechetDistance.Between(_fixture.Classifier, halfA, halfB);
        double noiseVsReal = ClassifierFrechetDistance.Between(_fixture.Classifier, noise, halfB);
        _output.WriteLine($"real vs real {realVsReal:F3}, noise vs real {noiseVsReal:F3}, ratio {noiseVsReal / realVsReal:F1}");
        Assert.True(realVsReal >= 0);
        Assert.True(noiseVsReal > 10 * realVsReal, $"real vs real {realVsReal:F3}, noise vs real {noiseVsReal:F3}");
    }

    [Fact]
    public void Folder_round_trip_gives_identical_features_and_config()
    {
        using var temp = new TempFolder();
        var folder = temp.File("classifier");
        ClassifierFolder.Save(folder, _fixture.Classifier, "{\"test_accuracy\": 0.5}\n");
        using var loaded = ClassifierFolder.Load(folder);
        using var images = _fixture.HeldOutImages.narrow(0, 0, 64);
        using var before = _fixture.Classifier.Features(images);
        using var after = loaded.Features(images);
        Assert.Equal(new long[] { 64, 64 }, after.shape);
        Assert.Equal(0.0, (before - after).abs().max().item<float>());
        Assert.Equal(_fixture.Classifier.Config.BlockOutChannels, loaded.Config.BlockOutChannels);
        Assert.True(File.Exists(Path.Combine(folder, ClassifierFolder.MetricsFile)));
    }

    [Fact]
    public void Features_in_batches_of_7_equal_features_in_one_batch()
    {
        using var images = _fixture.HeldOutImages.narrow(0, 0, 30);
        using var whole = _fixture.Classifier.Features(images);
        using var batched = _fixture.Classifier.Features(images, batch: 7);
        Assert.True((whole - batched).abs().max().item<float>() < 1e-5f);
    }
}
