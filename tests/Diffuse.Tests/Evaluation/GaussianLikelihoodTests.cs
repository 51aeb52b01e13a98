using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class GaussianLikelihoodTests
{
    // Φ(1) and Φ(1) − Φ(−1), from tables of the normal distribution.
    const double Phi1 = 0.841344746068543, Within1 = 0.682689492137086;

    static double[] Values(Tensor t) => t.to(float64).data<double>().ToArray();

    [Fact]
    public void Normal_kl_matches_the_closed_form()
    {
        // KL(N(1, 1) ‖ N(0, 4)) = ½(−1 + ln 4 − 0 + 1/4 + 1/4); KL of a distribution with itself is 0.
        using var kl = GaussianLikelihood.NormalKl(tensor(new[] { 1.0, 0.3 }), tensor(new[] { 0.0, -2.0 }),
                                                   tensor(new[] { 0.0, 0.3 }), tensor(new[] { Math.Log(4), -2.0 }));
        var v = Values(kl);
        Assert.Equal(0.5 * (Math.Log(4) - 0.5), v[0], 1e-12);
        Assert.Equal(0, v[1], 1e-12);
    }

    [Fact]
    public void Normal_kl_of_a_shifted_mean_is_half_the_squared_distance_over_the_variance()
    {
        using var kl = GaussianLikelihood.NormalKl(tensor(0.5), tensor(Math.Log(0.25)), tensor(-0.5), tensor(Math.Log(0.25)));
        Assert.Equal(0.5 * 1.0 / 0.25, kl.item<double>(), 1e-12);
    }

    [Fact]
    public void Discretized_likelihood_is_the_normal_mass_on_the_pixel_level()
    {
        const double bin = 1.0 / 255;
        // Interior level, mean on it, σ = half a level: mass of [−1σ, 1σ]. Mean half a level below, σ = one level:
        // mass of [0, 1σ]. First level (−1) with its upper edge at the mean: Φ(0). Last level (1), lower edge at the
        // mean: 1 − Φ(0). First level, mean on it, σ = half a level: Φ(1).
        var x = tensor(new[] { 1.0 / 255, 1.0 / 255, -1.0, 1.0, -1.0 });
        var means = tensor(new[] { 1.0 / 255, 0.0, -1 + bin, 1 - bin, -1.0 });
        var logScales = tensor(new[] { Math.Log(bin), Math.Log(2 * bin), 0.0, 0.0, Math.Log(bin) });
        var v = Values(GaussianLikelihood.DiscretizedLogLikelihood(x, means, logScales));
        Assert.Equal(Math.Log(Within1), v[0], 1e-9);
        Assert.Equal(Math.Log(Within1 / 2), v[1], 1e-9);
        Assert.Equal(Math.Log(0.5), v[2], 1e-9);
        Assert.Equal(Math.Log(0.5), v[3], 1e-9);
        Assert.Equal(Math.Log(Phi1), v[4], 1e-9);
    }

    [Fact]
    public void Discretized_likelihood_sums_to_one_over_the_256_levels()
    {
        using var levels = arange(0, 256, dtype: float64) / 127.5 - 1;
        using var mean = full(256, 0.2, dtype: float64);
        using var logScale = full(256, Math.Log(0.3), dtype: float64);
        using var p = GaussianLikelihood.DiscretizedLogLikelihood(levels, mean, logScale).exp();
        Assert.Equal(1.0, p.sum().item<double>(), 1e-9);
    }

    [Fact]
    public void A_pixel_far_in_the_tail_costs_the_floor_not_infinity()
    {
        using var logP = GaussianLikelihood.DiscretizedLogLikelihood(tensor(0.0), tensor(0.9), tensor(Math.Log(0.001)));
        Assert.Equal(Math.Log(GaussianLikelihood.MinProbability), logP.item<double>(), 1e-9);
    }

    [Fact]
    public void Continuous_likelihood_is_the_normal_log_density()
    {
        // log N(1; 0, 2²) = −½ ln 2π − ln 2 − 1/8
        using var logP = GaussianLikelihood.ContinuousLogLikelihood(tensor(1.0), tensor(0.0), tensor(Math.Log(2)));
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI) - Math.Log(2) - 0.125, logP.item<double>(), 1e-12);
    }
}
