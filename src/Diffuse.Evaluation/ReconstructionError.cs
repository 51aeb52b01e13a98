using static TorchSharp.torch;

namespace Diffuse.Evaluation;

/// <summary>
/// How far a reconstruction is from its original, in 8-bit pixel units: both images in [−1, 1] are clamped (as a PNG
/// would be) and mapped to [0, 255] without rounding. PSNR = 20·log10(255 / RMSE) dB (∞ for identical images).
/// </summary>
public sealed record ReconstructionError(double Rmse, double Psnr, double MaxAbs)
{
    /// <summary>The error over all pixels of <paramref name="original"/> and <paramref name="reconstruction"/> (same shape).</summary>
    public static ReconstructionError Of(Tensor original, Tensor reconstruction)
    {
        if (!original.shape.SequenceEqual(reconstruction.shape))
            throw new DiffuseException($"reconstruction shape [{string.Join(", ", reconstruction.shape)}] differs from the original's [{string.Join(", ", original.shape)}]");
        using var scope = NewDisposeScope();
        var difference = (ToPixels(reconstruction) - ToPixels(original)).abs();
        double rmse = Math.Sqrt(difference.square().mean().item<double>());
        return new ReconstructionError(rmse, 20 * Math.Log10(255 / rmse), difference.max().item<double>());
    }

    /// <summary>One error per image of a batch [B, ...].</summary>
    public static IReadOnlyList<ReconstructionError> PerImage(Tensor originals, Tensor reconstructions)
    {
        if (!originals.shape.SequenceEqual(reconstructions.shape))
            throw new DiffuseException($"reconstruction shape [{string.Join(", ", reconstructions.shape)}] differs from the original's [{string.Join(", ", originals.shape)}]");
        return Enumerable.Range(0, (int)originals.shape[0]).Select(i =>
        {
            using var a = originals[i];
            using var b = reconstructions[i];
            return Of(a, b);
        }).ToList();
    }

    static Tensor ToPixels(Tensor images) => (images.to(float64).clamp(-1, 1) + 1) * 127.5;

    public override string ToString() =>
        FormattableString.Invariant($"RMSE {Rmse:F2}, PSNR {Psnr:F1} dB, max {MaxAbs:F1} (of 255)");
}
