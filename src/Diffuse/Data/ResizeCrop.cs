using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// The preprocessing of diffusers' unconditional training example (torchvision
/// <c>Resize(size)</c> then <c>CenterCrop(size)</c>): scale so the shorter side is <c>size</c>,
/// bilinearly with antialiasing (which only matters when shrinking), then cut the centre square.
/// </summary>
internal static class ResizeCrop
{
    /// <param name="images">[N,C,H,W] float.</param>
    /// <returns>A new [N,C,size,size] tensor; a copy when the images are already that size.</returns>
    public static Tensor ShorterSideThenCenterCrop(Tensor images, int size)
    {
        long h = images.shape[2], w = images.shape[3];
        if (h == size && w == size) return images.clone();
        using var scope = NewDisposeScope();
        var scale = (double)size / Math.Min(h, w);
        var newH = Math.Max(size, (long)Math.Round(h * scale));
        var newW = Math.Max(size, (long)Math.Round(w * scale));
        var resized = h == newH && w == newW
            ? images
            : nn.functional.interpolate(images, [newH, newW], mode: InterpolationMode.Bilinear,
                align_corners: false, antialias: true);
        var cropped = resized.narrow(2, (newH - size) / 2, size).narrow(3, (newW - size) / 2, size);
        return cropped.contiguous().MoveToOuterDisposeScope();
    }
}
