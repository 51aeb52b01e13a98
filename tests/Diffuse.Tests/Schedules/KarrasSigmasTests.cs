using Diffuse.Schedules;

namespace Diffuse.Tests.Schedules;

public sealed class KarrasSigmasTests
{
    [Fact]
    public void Endpoints_are_sigma_max_then_sigma_min()
    {
        var sigmas = KarrasSigmas.Make(0.002, 80, 10);
        Assert.Equal(10, sigmas.Length);
        Assert.Equal(80, sigmas[0], 1e-12);
        Assert.Equal(0.002, sigmas[^1], 1e-15);
    }

    [Fact]
    public void Sigma_to_the_one_over_rho_is_evenly_spaced()
    {
        // Karras et al. 2022, eq. 5: σ_i^(1/ρ) is linear in i.
        var roots = KarrasSigmas.Make(0.0292, 14.6, 8).Select(s => Math.Pow(s, 1 / KarrasSigmas.Rho)).ToArray();
        double step = roots[1] - roots[0];
        for (int i = 1; i < roots.Length; i++)
            Assert.Equal(step, roots[i] - roots[i - 1], 1e-12);
        Assert.True(step < 0);
    }

    [Fact]
    public void Steps_shrink_towards_low_noise()
    {
        var sigmas = KarrasSigmas.Make(0.0292, 14.6, 20);
        var gaps = sigmas.Zip(sigmas.Skip(1), (a, b) => a - b).ToArray();
        Assert.All(gaps.Zip(gaps.Skip(1)), g => Assert.True(g.First > g.Second));
    }

    [Fact]
    public void One_sigma_is_sigma_max_and_bad_ranges_are_rejected()
    {
        Assert.Equal(14.6, Assert.Single(KarrasSigmas.Make(0.03, 14.6, 1)), 1e-12);
        Assert.ThrowsAny<DiffuseException>(() => KarrasSigmas.Make(0, 14.6, 5));
        Assert.ThrowsAny<DiffuseException>(() => KarrasSigmas.Make(2, 1, 5));
        Assert.ThrowsAny<DiffuseException>(() => KarrasSigmas.Make(0.1, 1, 0));
    }
}
