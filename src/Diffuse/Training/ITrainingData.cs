using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>Where training batches come from: images, or points of a 2-D toy distribution.</summary>
public interface ITrainingData
{
    /// <summary>Shape of one example, e.g. [1, 28, 28] or [2].</summary>
    long[] ExampleShape { get; }

    /// <summary>Values lie in [−range, range] (images: 1), or null when unbounded (toy points); sets clip_sample.</summary>
    double? ValueRange { get; }

    /// <summary>Number of classes of labelled data (labels 0..K−1), or null when the data has no labels.</summary>
    int? NumClasses { get; }

    /// <summary>A batch of examples in the model's value range, drawn with <paramref name="generator"/> only.</summary>
    TrainingBatch NextBatch(int batch, Generator generator);
}
