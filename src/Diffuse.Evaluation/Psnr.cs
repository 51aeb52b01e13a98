using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// Peak signal-to-noise ratio of each image against its reference, on the [0, 1] scale: images in
/// [−1, 1] are mapped by (x + 1)/2, so PSNR = −10·log₁₀ MSE, the same figure as on [0, 255] with peak
/// 255. Identical images would give +∞; the MSE is floored at 10⁻¹⁰, so the figure tops out at 100 dB
/// and a mean over images stays finite.
/// </summary>
public static class Psnr
{
    public const double MaxDecibels = 100;

    /// <param name="images">[N, …] in [−1, 1].</param>
    /// <param name="references">the same shape.</param>
    /// <returns>float64 [N], decibels.</returns>
    public static Tensor PerImage(Tensor images, Tensor references)
    {
        if (!images.shape.SequenceEqual(references.shape))
            throw new DiffuseException($"PSNR needs images of equal shape (got [{string.Join(",", images.shape)}] and [{string.Join(",", references.shape)}])");
        using var scope = NewDisposeScope();
        var difference = (images.to_type(ScalarType.Float64) - references.to_type(ScalarType.Float64)) / 2;
        var mse = difference.square().flatten(1).mean([1]).clamp_min(Math.Pow(10, -MaxDecibels / 10));
        return mse.log10().mul(-10).MoveToOuterDisposeScope();
    }
}
