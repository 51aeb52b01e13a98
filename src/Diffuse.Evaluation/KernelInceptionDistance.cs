using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// The Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", §3 and eq. 3): the
/// unbiased estimate of the squared maximum mean discrepancy between two feature sets under the cubic
/// polynomial kernel k(x, y) = (xᵀy / d + 1)³. Unlike the Fréchet distance it assumes no Gaussian shape and
/// its estimator is unbiased, so small sets do not inflate it; two draws of one distribution give ≈ 0
/// (slightly negative values are possible). As in torch-fidelity and clean-fid it is averaged over random
/// subsets of min(1000, n) features of each set, and the mean and the (population) standard deviation
/// over subsets are reported. float64 throughout; the name keeps "Inception" whatever network gives the features.
/// </summary>
public static class KernelInceptionDistance
{
    public const int DefaultSubsets = 100;
    public const int DefaultSubsetSize = 1000;

    /// <summary>Mean and standard deviation of the unbiased MMD² over <paramref name="subsets"/> seeded
    /// random subsets of min(<paramref name="subsetSize"/>, |a|, |b|) rows of <paramref name="a"/> and <paramref name="b"/>, each [N, D].</summary>
    public static (double Mean, double Std) Between(Tensor a, Tensor b, int subsets = DefaultSubsets, int subsetSize = DefaultSubsetSize, long seed = 0)
    {
        CheckPair(a, b);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subsets);
        int m = (int)Math.Min(subsetSize, Math.Min(a.shape[0], b.shape[0]));
        if (m < 2) throw new ArgumentException("KID needs subsets of at least 2 features");
        using var scope = NewDisposeScope();
        var x = a.to(float64);
        var y = b.to(float64);
        // A subset that is the whole of both sets is the same whatever the draw, since MMD² does not
        // depend on the order of the rows: every subset would give the same value, so compute it once.
        if (m == a.shape[0] && m == b.shape[0]) return (Mmd2Unbiased(x, y), 0);

        using var generator = new Generator().manual_seed(seed);
        var values = new double[subsets];
        for (int i = 0; i < subsets; i++)
        {
            using var step = NewDisposeScope();
            var ia = randperm(a.shape[0], generator: generator).narrow(0, 0, m);
            var ib = randperm(b.shape[0], generator: generator).narrow(0, 0, m);
            values[i] = Mmd2Unbiased(x.index_select(0, ia), y.index_select(0, ib));
        }
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / subsets));
    }

    /// <summary>
    /// The unbiased MMD² of Gretton et al. 2012 (Lemma 6) with the cubic kernel, for x [m, D] and y [n, D]:
    /// Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (n(n−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (mn).
    /// </summary>
    public static double Mmd2Unbiased(Tensor x, Tensor y)
    {
        CheckPair(x, y);
        long m = x.shape[0], n = y.shape[0];
        if (m < 2 || n < 2) throw new ArgumentException("MMD² needs at least 2 features in each set");
        using var scope = NewDisposeScope();
        var xd = x.to(float64);
        var yd = y.to(float64);
        var kxx = Kernel(xd, xd);
        var kyy = Kernel(yd, yd);
        var kxy = Kernel(xd, yd);
        double xx = (kxx.sum() - kxx.trace()).item<double>() / (m * (m - 1.0));
        double yy = (kyy.sum() - kyy.trace()).item<double>() / (n * (n - 1.0));
        double xy = kxy.sum().item<double>() / ((double)m * n);
        return xx + yy - 2 * xy;
    }

    /// <summary>The polynomial kernel of degree 3, γ = 1/D, c = 1 (Bińkowski et al. 2018, §3): [rows of a, rows of b].</summary>
    private static Tensor Kernel(Tensor a, Tensor b) => (a.matmul(b.T) / a.shape[1] + 1).pow(3);

    private static void CheckPair(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
            throw new ArgumentException("feature sets must be [N, D] with the same D");
    }
}
