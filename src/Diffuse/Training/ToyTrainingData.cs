using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>Fresh points of a 2-D toy distribution for every batch (the distribution is known exactly).</summary>
public sealed class ToyTrainingData(string name) : ITrainingData
{
    public string Name { get; } = name;

    public long[] ExampleShape => [2];

    public double? ValueRange => null;

    public int? NumClasses => null;

    public TrainingBatch NextBatch(int batch, Generator generator) => new(Toy2D.Sample(Name, batch, generator), null);
}
