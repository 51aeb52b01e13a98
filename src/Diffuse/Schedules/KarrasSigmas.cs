namespace Diffuse.Schedules;

/// <summary>
/// The noise levels of Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models"),
/// eq. 5: σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, in float64 as diffusers'
/// <c>_convert_to_karras</c> computes them. ρ = 7 spends more steps at low noise.
/// </summary>
public static class KarrasSigmas
{
    /// <summary>ρ of eq. 5; 7 is the paper's choice (§3, Table 1).</summary>
    public const double Rho = 7.0;

    /// <summary>N noise levels from <paramref name="sigmaMax"/> down to <paramref name="sigmaMin"/>, both included.</summary>
    public static double[] Make(double sigmaMin, double sigmaMax, int n, double rho = Rho)
    {
        if (n <= 0)
            throw new DiffuseException($"number of Karras sigmas must be positive, got {n}");
        if (!(sigmaMin > 0 && sigmaMax >= sigmaMin && double.IsFinite(sigmaMax)))
            throw new DiffuseException($"Karras sigmas need 0 < sigma_min ≤ sigma_max < ∞, got {sigmaMin} and {sigmaMax}");
        double minInvRho = Math.Pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        var sigmas = new double[n];
        for (int i = 0; i < n; i++)
        {
            // numpy's linspace(0, 1, n): i·(1/(n−1)), the last exactly 1.
            double ramp = n == 1 ? 0 : i == n - 1 ? 1 : i * (1.0 / (n - 1));
            sigmas[i] = Math.Pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho);
        }
        return sigmas;
    }
}
