using Diffuse.Formats;
using SkiaSharp;

namespace Diffuse.Data;

/// <summary>Encodes a bitmap as PNG and writes it atomically, so a viewer polling the file while
/// training runs never opens half an image.</summary>
internal static class PngFile
{
    public static void Save(SKBitmap bitmap, string path) => AtomicFile.WriteAllBytes(path, Encode(bitmap, path));

    public static byte[] Encode(SKBitmap bitmap, string name)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new DiffuseException($"{name}: PNG encoding failed for a {bitmap.Width}x{bitmap.Height} image");
        return data.ToArray();
    }
}
