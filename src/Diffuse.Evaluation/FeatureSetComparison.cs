using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The figures <c>diffuse eval</c> reports for one pair of feature sets: the Fréchet distance
/// (Heusel et al. 2017), KID (Bińkowski et al. 2018) and improved precision and recall (Kynkäänniemi et al. 2019).
/// </summary>
public sealed record FeatureSetComparison(double FrechetDistance, double KidMean, double KidStd, double Precision, double Recall)
{
    /// <param name="real">the reference set: precision asks how much of <paramref name="other"/> lies on its manifold.</param>
    /// <param name="seed">seed of KID's random subsets.</param>
    public static FeatureSetComparison Of(Tensor other, Tensor real, long seed,
                                          int kidSubsets = KernelInceptionDistance.DefaultSubsets,
                                          int kidSubsetSize = KernelInceptionDistance.DefaultSubsetSize,
                                          int k = PrecisionRecall.DefaultK)
    {
        double fd = Evaluation.FrechetDistance.Between(other, real);
        var (kidMean, kidStd) = KernelInceptionDistance.Between(other, real, kidSubsets, kidSubsetSize, seed);
        var (precision, recall) = PrecisionRecall.Between(real, other, k);
        return new FeatureSetComparison(fd, kidMean, kidStd, precision, recall);
    }
}
