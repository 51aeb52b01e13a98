using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The classifier features of <c>count</c> real images drawn in a seeded random order, and the Fréchet distance
/// between two disjoint real sets as the floor a perfect model would reach: at the same count when the data holds
/// 2·count images (so the floor carries the same small-sample bias), otherwise between the two halves of the
/// chosen set (which overstates it). The same choice as <c>diffuse eval</c> for the same seed and count.
/// </summary>
public sealed class RealFeatures : IDisposable
{
    public Tensor Features { get; }
    public double Floor { get; }
    public int FloorCount { get; }

    RealFeatures(Tensor features, double floor, int floorCount) => (Features, Floor, FloorCount) = (features, floor, floorCount);

    public static RealFeatures Select(FashionClassifier classifier, ImageDataset data, int count, long seed)
    {
        if (count < 2) throw new DiffuseArgumentException("count", $"must be at least 2 (got {count})");
        if (data.Count < count) throw new DiffuseArgumentException("count", $"is {count} but the real data holds only {data.Count} images");
        using var generator = new Generator().manual_seed(seed);
        using var order = randperm(data.Count, generator: generator);
        Tensor features;
        using (var real = data.Data.index_select(0, order.narrow(0, 0, count))) features = classifier.Features(real);
        if (data.Count >= 2 * count)
        {
            using var images = data.Data.index_select(0, order.narrow(0, count, count));
            using var other = classifier.Features(images);
            return new RealFeatures(features, FrechetDistance.Between(features, other), count);
        }
        int half = count / 2;
        using var a = features.narrow(0, 0, half);
        using var b = features.narrow(0, half, half);
        return new RealFeatures(features, FrechetDistance.Between(a, b), half);
    }

    public void Dispose() => Features.Dispose();
}
