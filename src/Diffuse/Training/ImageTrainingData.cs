using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>Batches of images in [−1, 1], drawn uniformly with optional horizontal flips.</summary>
public sealed class ImageTrainingData(ImageDataset images, bool randomFlip) : ITrainingData
{
    public ImageDataset Images { get; } = images;

    public long[] ExampleShape => Images.Data.shape[1..];

    public double? ValueRange => 1.0;

    public int? NumClasses { get; } = images.Labels is null ? null : (int)images.Labels.max().item<long>() + 1;

    public TrainingBatch NextBatch(int batch, Generator generator)
    {
        var (images, labels) = Images.SampleLabelledBatch(batch, generator, randomFlip);
        return new TrainingBatch(images, labels);
    }
}
