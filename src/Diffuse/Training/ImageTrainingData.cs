using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>Batches of images in [−1, 1], drawn uniformly with optional horizontal flips.</summary>
public sealed class ImageTrainingData(ImageDataset images, bool randomFlip) : ITrainingData
{
    public ImageDataset Images { get; } = images;

    public long[] ExampleShape => Images.Data.shape[1..];

    public double? ValueRange => 1.0;

    public Tensor NextBatch(int batch, Generator generator) => Images.SampleBatch(batch, generator, randomFlip);
}
