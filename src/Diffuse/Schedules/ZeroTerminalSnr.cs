using static TorchSharp.torch;

namespace Diffuse.Schedules;

/// <summary>
/// Rescales betas so the last timestep has zero SNR (ᾱ_T = 0) while ᾱ_0 is kept: Lin et al. 2024,
/// "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1; diffusers'
/// <c>rescale_betas_zero_snr</c>.
/// </summary>
public static class ZeroTerminalSnr
{
    public static Tensor Rescale(Tensor betas)
    {
        using var scope = NewDisposeScope();
        var alphasBarSqrt = (1.0 - betas).cumprod(0).sqrt();
        long n = alphasBarSqrt.shape[0];
        var first = alphasBarSqrt[0].clone();
        var last = alphasBarSqrt[n - 1].clone();
        // Shift so sqrt(ᾱ_T) = 0, then scale so sqrt(ᾱ_0) is unchanged.
        alphasBarSqrt = (alphasBarSqrt - last) * (first / (first - last));
        var alphasBar = alphasBarSqrt.pow(2);
        var alphas = cat([alphasBar.slice(0, 0, 1, 1), alphasBar.slice(0, 1, n, 1) / alphasBar.slice(0, 0, n - 1, 1)]);
        return (1.0 - alphas).MoveToOuterDisposeScope();
    }
}
