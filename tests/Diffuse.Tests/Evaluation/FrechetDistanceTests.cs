using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void One_dimensional_gaussians_follow_the_closed_form()
    {
        // d = (μ₁ − μ₂)² + σ₁² + σ₂² − 2σ₁σ₂ = (1 − 4)² + (2 − 3)² = 10 for N(1, 2²) and N(4, 3²).
        using var meanA = tensor(new[] { 1.0 });
        using var meanB = tensor(new[] { 4.0 });
        using var covA = tensor(new[] { 4.0 }).reshape(1, 1);
        using var covB = tensor(new[] { 9.0 }).reshape(1, 1);
        Assert.Equal(10.0, FrechetDistance.FromStatistics(meanA, covA, meanB, covB), 10);
    }

    [Fact]
    public void A_hand_computed_two_dimensional_case_matches()
    {
        // Σ₁ = I, Σ₂ = [[4, 0], [0, 1]]: tr(Σ₁ + Σ₂ − 2(Σ₂)^½) = 2 + 5 − 2·(2 + 1) = 1; means differ by (1, 1): +2.
        using var covA = eye(2, dtype: float64);
        using var covB = tensor(new[] { 4.0, 0, 0, 1 }).reshape(2, 2);
        using var meanA = zeros(2, dtype: float64);
        using var meanB = ones(2, dtype: float64);
        Assert.Equal(3.0, FrechetDistance.FromStatistics(meanA, covA, meanB, covB), 10);
    }

    [Fact]
    public void Non_commuting_covariances_match_the_direct_matrix_square_root()
    {
        // Σ₁ = [[2, 1], [1, 2]], Σ₂ = [[1, 0], [0, 3]]: tr((Σ₁Σ₂)^½) for a 2x2 with positive eigenvalues is
        // √(tr(Σ₁Σ₂) + 2√det(Σ₁Σ₂)); here tr = 8, det = 9, so it is √14.
        using var covA = tensor(new[] { 2.0, 1, 1, 2 }).reshape(2, 2);
        using var covB = tensor(new[] { 1.0, 0, 0, 3 }).reshape(2, 2);
        using var mean = zeros(2, dtype: float64);
        Assert.Equal(4 + 4 - 2 * Math.Sqrt(14), FrechetDistance.FromStatistics(mean, covA, mean, covB), 10);
    }

    [Fact]
    public void Samples_of_one_distribution_are_close_and_of_another_are_far()
    {
        var generator = new Generator().manual_seed(11);
        using var a = randn(4000, 3, dtype: float64, generator: generator);
        using var b = randn(4000, 3, dtype: float64, generator: generator);
        using var shifted = b * 2 + 1;
        Assert.True(FrechetDistance.Between(a, b) < 0.02);
        // Exact for the populations: 3·1² + 3·(1 + 4 − 2·2) = 6.
        Assert.Equal(6.0, FrechetDistance.Between(a, shifted), 0);
    }
}
