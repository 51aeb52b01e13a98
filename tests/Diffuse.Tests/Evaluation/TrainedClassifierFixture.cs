using Diffuse.Data;
using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

/// <summary>A classifier trained for a few seconds on the first 1000 embedded Fashion-MNIST images,
/// shared by the tests of one class; the last 1000 embedded images are held out.</summary>
public sealed class TrainedClassifierFixture : IDisposable
{
    public const int TrainCount = 1000;
    public const int HeldOutCount = 1000;

    public TrainedClassifierFixture()
    {
        Data = DatasetLoader.Load(DatasetLoader.FashionMnist, 28);
        var trainer = new ClassifierTrainer { Epochs = 2, Batch = 32, LearningRate = 2e-3, Seed = 7 };
        Classifier = trainer.Create(Config);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var images = Data.Data.narrow(0, 0, TrainCount))
        using (var labels = Data.Labels!.narrow(0, 0, TrainCount))
            trainer.Train(Classifier, images, labels);
        TrainSeconds = clock.Elapsed.TotalSeconds;
        HeldOutImages = Data.Data.narrow(0, Data.Count - HeldOutCount, HeldOutCount);
        HeldOutLabels = Data.Labels!.narrow(0, Data.Count - HeldOutCount, HeldOutCount);
    }

    /// <summary>Narrower than the default, so training takes seconds on a shared CPU.</summary>
    public static FashionClassifierConfig Config { get; } = new() { BlockOutChannels = [16, 32, 64], FeatureDim = 64 };

    public ImageDataset Data { get; }
    public FashionClassifier Classifier { get; }
    public Tensor HeldOutImages { get; }
    public Tensor HeldOutLabels { get; }
    public double TrainSeconds { get; }

    public void Dispose()
    {
        HeldOutImages.Dispose();
        HeldOutLabels.Dispose();
        Classifier.Dispose();
        Data.Dispose();
    }
}
