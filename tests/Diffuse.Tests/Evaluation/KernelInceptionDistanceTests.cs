using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class KernelInceptionDistanceTests
{
    [Fact]
    public void One_dimensional_sets_match_the_hand_computed_value()
    {
        // d = 1, k(a, b) = (ab + 1)³; x = {0, 1}, y = {1, 2}:
        // within x: k(0, 1) twice = 2, / (2·1) = 1; within y: k(1, 2) = 27 twice = 54, / 2 = 27;
        // across: k(0, 1) + k(0, 2) + k(1, 1) + k(1, 2) = 1 + 1 + 8 + 27 = 37, / 4 = 9.25.  MMD² = 1 + 27 − 2·9.25 = 9.5.
        using var x = tensor(new[] { 0.0, 1.0 }).reshape(2, 1);
        using var y = tensor(new[] { 1.0, 2.0 }).reshape(2, 1);
        Assert.Equal(9.5, KernelInceptionDistance.Mmd2Unbiased(x, y), 12);
    }

    [Fact]
    public void Unequal_sets_match_explicit_loops_over_the_kernel()
    {
        var random = new Random(3);
        double[,] xs = RandomMatrix(random, 6, 3, 0), ys = RandomMatrix(random, 4, 3, 0.5);
        using var x = FromArray(xs);
        using var y = FromArray(ys);
        Assert.Equal(LoopMmd2(xs, ys), KernelInceptionDistance.Mmd2Unbiased(x, y), 10);
    }

    [Fact]
    public void Subsets_covering_both_sets_give_the_full_estimate_with_zero_spread()
    {
        var random = new Random(4);
        double[,] xs = RandomMatrix(random, 12, 2, 0), ys = RandomMatrix(random, 12, 2, 1);
        using var x = FromArray(xs);
        using var y = FromArray(ys);
        var (mean, std) = KernelInceptionDistance.Between(x, y, subsets: 5, subsetSize: 1000);
        Assert.Equal(LoopMmd2(xs, ys), mean, 10);
        Assert.Equal(0, std);
    }

    [Fact]
    public void Two_draws_of_one_gaussian_give_about_zero_and_a_shifted_one_the_population_value()
    {
        var generator = new Generator().manual_seed(21);
        using var a = randn(3000, 2, dtype: float64, generator: generator);
        using var b = randn(3000, 2, dtype: float64, generator: generator);
        using var shifted = randn(3000, 2, dtype: float64, generator: generator) + 1;
        var (same, sameStd) = KernelInceptionDistance.Between(a, b, subsets: 20, subsetSize: 1000, seed: 1);
        var (apart, apartStd) = KernelInceptionDistance.Between(a, shifted, subsets: 20, subsetSize: 1000, seed: 1);

        // Population MMD² of N(0, I) and N(1, I) in 2-D under (xᵀy/2 + 1)³, from the Gaussian moments (see PopulationKernel).
        double[] zero = [0, 0], one = [1, 1];
        double expected = PopulationKernel(zero, zero) + PopulationKernel(one, one) - 2 * PopulationKernel(zero, one);
        // By hand for (0, 0): s = xᵀy/2 has E s = 0, E s² = 2/4, E s³ = 0, so E k = 1 + 3/2 = 2.5; for (0, 1):
        // E s² = 2·(1·2)/4 = 1, so E k = 4; for (1, 1) E k = 18.5 (a Monte Carlo run of 400,000 pairs gave 18.55).
        Assert.Equal(2.5 + 18.5 - 2 * 4, expected, 10);
        Assert.True(Math.Abs(same) < 0.05, $"same distribution: {same} ± {sameStd}");
        Assert.True(sameStd > 0, "subsets of 1000 out of 3000 differ, so their estimates spread");
        Assert.InRange(apart, 0.85 * expected, 1.15 * expected);
        Assert.True(apart > 50 * Math.Abs(same), $"shifted {apart} ± {apartStd}, same {same} ± {sameStd}");
    }

    /// <summary>E (xᵀy/d + 1)³ for independent x ~ N(μ, I), y ~ N(ν, I): the moments of S = Σ xᵢyᵢ from its
    /// cumulants, which add over the independent terms uᵢ = xᵢyᵢ (E u = μν, E u² = (1+μ²)(1+ν²), E u³ = (μ³+3μ)(ν³+3ν)).</summary>
    private static double PopulationKernel(double[] mu, double[] nu)
    {
        int d = mu.Length;
        double k1 = 0, k2 = 0, k3 = 0;
        for (int i = 0; i < d; i++)
        {
            double m1 = mu[i] * nu[i], m2 = (1 + mu[i] * mu[i]) * (1 + nu[i] * nu[i]);
            double m3 = (Math.Pow(mu[i], 3) + 3 * mu[i]) * (Math.Pow(nu[i], 3) + 3 * nu[i]);
            k1 += m1;
            k2 += m2 - m1 * m1;
            k3 += m3 - 3 * m2 * m1 + 2 * m1 * m1 * m1;
        }
        double e1 = k1 / d, e2 = (k2 + k1 * k1) / (d * d), e3 = (k3 + 3 * k2 * k1 + k1 * k1 * k1) / ((double)d * d * d);
        return e3 + 3 * e2 + 3 * e1 + 1;           // E (s + 1)³ with s = S/d
    }

    /// <summary>The unbiased MMD² of Gretton et al. 2012 written out as loops over pairs.</summary>
    private static double LoopMmd2(double[,] x, double[,] y)
    {
        int m = x.GetLength(0), n = y.GetLength(0), d = x.GetLength(1);
        double K(double[,] p, int i, double[,] q, int j)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += p[i, c] * q[j, c];
            return Math.Pow(dot / d + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (i != j) xx += K(x, i, x, j);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) yy += K(y, i, y, j);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                xy += K(x, i, y, j);
        return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n);
    }

    private static double[,] RandomMatrix(Random random, int rows, int columns, double offset)
    {
        var values = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                values[i, j] = offset + 2 * random.NextDouble() - 1;
        return values;
    }

    private static Tensor FromArray(double[,] values) =>
        tensor(values.Cast<double>().ToArray()).reshape(values.GetLength(0), values.GetLength(1));
}
