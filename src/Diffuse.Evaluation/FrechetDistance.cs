using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, the "FID"
/// formula): ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½). Statistics in float64. The trace of the
/// matrix square root is taken from the eigenvalues of the symmetric Σ₁^½ Σ₂ Σ₁^½, which has the same
/// trace as pytorch-fid's sqrtm(Σ₁Σ₂) but needs no non-symmetric solver; tiny negative eigenvalues
/// from round-off are clamped to 0.
/// </summary>
public static class FrechetDistance
{
    /// <summary>Distance between the feature sets <paramref name="a"/> and <paramref name="b"/>, each [N, D].</summary>
    public static double Between(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var (meanA, covA) = Statistics(a);
        var (meanB, covB) = Statistics(b);
        return FromStatistics(meanA, covA, meanB, covB);
    }

    /// <summary>Mean [D] and unbiased covariance [D, D] of a feature set [N, D], in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) Statistics(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
            throw new ArgumentException("features must be [N, D] with N ≥ 2");
        using var scope = NewDisposeScope();
        var x = features.to(float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.T.matmul(centred) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    public static double FromStatistics(Tensor meanA, Tensor covA, Tensor meanB, Tensor covB)
    {
        using var scope = NewDisposeScope();
        var rootA = SymmetricSqrt(covA.to(float64));
        var middle = rootA.matmul(covB.to(float64)).matmul(rootA);
        middle = (middle + middle.T) / 2;                       // symmetric up to round-off; make it exact
        double traceOfRoot = linalg.eigvalsh(middle).clamp_min(0).sqrt().sum().item<double>();
        double meanTerm = (meanA.to(float64) - meanB.to(float64)).square().sum().item<double>();
        return meanTerm + covA.to(float64).trace().item<double>() + covB.to(float64).trace().item<double>() - 2 * traceOfRoot;
    }

    private static Tensor SymmetricSqrt(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh((matrix + matrix.T) / 2);
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.T);
    }
}
