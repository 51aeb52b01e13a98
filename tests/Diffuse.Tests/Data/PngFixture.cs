using SkiaSharp;

namespace Diffuse.Tests.Data;

/// <summary>Draws small test images with SkiaSharp and reads PNGs back as pixels.</summary>
public static class PngFixture
{
    /// <summary>A w×h image, left half <paramref name="left"/>, right half <paramref name="right"/>.</summary>
    public static void Write(string path, int w, int h, SKColor left, SKColor? right = null,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                bitmap.SetPixel(x, y, x < w / 2 ? left : right ?? left);
        using var data = bitmap.Encode(format, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data.ToArray());
    }

    public static SKBitmap Read(string path) =>
        SKBitmap.Decode(path) ?? throw new InvalidOperationException($"{path} is not a readable image");
}
