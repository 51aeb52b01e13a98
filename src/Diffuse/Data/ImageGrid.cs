using System.Runtime.InteropServices;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Writes images in [−1,1] as PNG: tiled into a grid (torchvision's <c>make_grid</c> layout, black
/// padding), as one row, or one file per image. Values map to bytes as diffusers'
/// <c>numpy_to_pil</c> does: clamp((x+1)/2, 0, 1)·255, rounded.
/// </summary>
public static class ImageGrid
{
    /// <param name="images">[N,C,H,W], C = 1 (gray) or 3 (RGB), values in [−1,1] (clamped).</param>
    /// <param name="columns">images per row; default ⌈√N⌉.</param>
    /// <param name="padding">pixels of black between and around images.</param>
    /// <param name="scale">integer nearest-neighbour magnification, e.g. 4 to see 28-pixel digits.</param>
    public static void SavePng(Tensor images, string path, int? columns = null, int padding = 2, int scale = 1)
    {
        using var bitmap = Draw(images, path, columns, padding, scale);
        PngFile.Save(bitmap, path);
    }

    /// <summary>The grid <see cref="SavePng"/> writes, as PNG bytes in memory (for a server's answer).</summary>
    public static byte[] EncodePng(Tensor images, int? columns = null, int padding = 2, int scale = 1)
    {
        using var bitmap = Draw(images, "image", columns, padding, scale);
        return PngFile.Encode(bitmap, "image");
    }

    private static SKBitmap Draw(Tensor images, string path, int? columns, int padding, int scale)
    {
        var (n, c, h, w) = CheckShape(images, path);
        if (columns is < 1) throw new DiffuseException($"{path}: grid columns must be at least 1, got {columns}");
        if (padding < 0) throw new DiffuseException($"{path}: grid padding must not be negative, got {padding}");
        if (scale < 1) throw new DiffuseException($"{path}: grid scale must be at least 1, got {scale}");
        var cols = Math.Min(columns ?? (int)Math.Ceiling(Math.Sqrt(n)), n);
        var rows = (n + cols - 1) / cols;
        int cellW = w * scale + padding, cellH = h * scale + padding;
        int width = cols * cellW + padding, height = rows * cellH + padding;

        var pixels = ToBytes(images);
        var rgba = new byte[width * height * 4];
        for (var i = 3; i < rgba.Length; i += 4) rgba[i] = 255;
        for (var k = 0; k < n; k++)
        {
            int top = padding + k / cols * cellH, left = padding + k % cols * cellW;
            for (var y = 0; y < h * scale; y++)
                for (var x = 0; x < w * scale; x++)
                {
                    var src = ((k * h + y / scale) * w + x / scale) * c;
                    var dst = ((top + y) * width + left + x) * 4;
                    for (var ch = 0; ch < 3; ch++) rgba[dst + ch] = pixels[src + (c == 1 ? 0 : ch)];
                }
        }
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>All images in one row, e.g. a denoising trajectory from noise to sample.</summary>
    public static void SaveStrip(Tensor images, string path, int padding = 2, int scale = 1) =>
        SavePng(images, path, columns: (int)images.shape[0], padding, scale);

    /// <summary>One PNG per image, named <c>{prefix}0000.png</c>, <c>{prefix}0001.png</c>, … in
    /// <paramref name="folder"/> (created if missing), e.g. for computing FID on samples.</summary>
    /// <returns>The paths written, in image order.</returns>
    public static IReadOnlyList<string> SaveEach(Tensor images, string folder, string prefix)
    {
        var (n, _, _, _) = CheckShape(images, folder);
        var digits = Math.Max(4, (n - 1).ToString().Length);
        var paths = new List<string>(n);
        for (var i = 0; i < n; i++)
        {
            var path = Path.Combine(folder, prefix + i.ToString().PadLeft(digits, '0') + ".png");
            using var one = images.narrow(0, i, 1);
            SavePng(one, path, columns: 1, padding: 0);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>[N,H,W,C] bytes, row-major.</summary>
    private static byte[] ToBytes(Tensor images)
    {
        using var scope = NewDisposeScope();
        var unit = images.detach().cpu().to_type(ScalarType.Float32).nan_to_num(0).add(1).div(2).clamp(0, 1);
        var bytes = unit.mul(255).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        return bytes.data<byte>().ToArray();
    }

    private static (int N, int C, int H, int W) CheckShape(Tensor images, string path)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[0] < 1)
            throw new DiffuseException(
                $"{path}: cannot save images of shape [{string.Join(",", images.shape)}] as PNG: expected [N,1 or 3,H,W] with N ≥ 1");
        return ((int)images.shape[0], (int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);
    }
}
