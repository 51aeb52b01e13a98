using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The Fréchet distance (Heusel et al. 2017) between two image sets, measured in the feature space of a
/// <see cref="FashionClassifier"/> rather than Inception's. Like FID it is biased upward for small sets
/// (Chong &amp; Forsyth 2020), so compare figures only at equal counts, against a real-vs-real floor.
/// </summary>
public static class ClassifierFrechetDistance
{
    public static double Between(FashionClassifier classifier, Tensor imagesA, Tensor imagesB)
    {
        using var featuresA = classifier.Features(imagesA);
        using var featuresB = classifier.Features(imagesB);
        return FrechetDistance.Between(featuresA, featuresB);
    }
}
