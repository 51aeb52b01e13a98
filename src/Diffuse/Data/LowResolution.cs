using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// The degradation a super-resolution model learns to undo, and the bicubic baseline it is judged
/// against. Low resolution here is the high-resolution image averaged over scale×scale blocks (area
/// downsampling, what a camera with bigger pixels records) and rounded to 8 bits, as a low-resolution
/// PNG holds it; SR3 (Saharia et al. 2021, §2) conditions on that image brought back to full size
/// by bicubic interpolation.
/// </summary>
public static class LowResolution
{
    /// <summary>[N,C,H,W] in [−1, 1] → [N,C,H/scale,W/scale]: block means, rounded to the nearest of 256 levels.</summary>
    public static Tensor Degrade(Tensor images, int scale)
    {
        CheckDivisible(images, scale);
        using var scope = NewDisposeScope();
        var low = nn.functional.avg_pool2d(images, scale, scale);
        return RoundTo8Bits(low).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bicubic upsampling by <paramref name="scale"/> (PyTorch's <c>interpolate(mode="bicubic",
    /// align_corners=False)</c>, Keys' cubic with a = −0.75), clamped to [−1, 1] because the cubic
    /// overshoots at edges and an image cannot. Both the model's conditioning and the baseline.
    /// </summary>
    public static Tensor Upsample(Tensor images, int scale)
    {
        if (scale < 1) throw new DiffuseException($"scale must be positive (got {scale})");
        using var scope = NewDisposeScope();
        var size = new[] { images.shape[2] * scale, images.shape[3] * scale };
        var up = nn.functional.interpolate(images, size, mode: InterpolationMode.Bicubic, align_corners: false);
        return up.clamp(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Values in [−1, 1] rounded to what an 8-bit image stores: round((x + 1)/2 · 255), mapped back.</summary>
    public static Tensor RoundTo8Bits(Tensor images)
    {
        using var scope = NewDisposeScope();
        var levels = images.add(1).mul(127.5).round().clamp(0, 255);
        return levels.div(127.5).sub(1).MoveToOuterDisposeScope();
    }

    private static void CheckDivisible(Tensor images, int scale)
    {
        if (scale < 1) throw new DiffuseException($"scale must be positive (got {scale})");
        if (images.dim() != 4 || images.shape[2] % scale != 0 || images.shape[3] % scale != 0)
            throw new DiffuseException($"images of shape [{string.Join(",", images.shape)}] cannot be reduced by {scale}: height and width must be divisible by the scale");
    }
}
