using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>Decodes one PNG or JPEG with SkiaSharp into a float32 [1,C,H,W] tensor in [−1,1].</summary>
public static class ImageDecoder
{
    /// <summary>ITU-R BT.601 luma weights, as PIL's <c>convert("L")</c> uses, so grayscale matches
    /// what a Python pipeline would feed the same model.</summary>
    private static readonly float[] LumaWeights = [0.299f, 0.587f, 0.114f];

    /// <param name="channels">3 for RGB, 1 for luma.</param>
    public static Tensor Decode(string path, int channels)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiffuseException($"{path}: cannot read: {e.Message}", e);
        }
        return Decode(bytes, channels, path);
    }

    /// <summary>An image already in memory (an upload); <paramref name="name"/> is what errors call it.</summary>
    public static Tensor Decode(byte[] bytes, int channels, string name)
    {
        var path = name;
        using var decoded = DecodeOrThrow(bytes, path);

        // Transparent areas (emoji and icon sets are drawn on transparency) are composited over
        // white; leaving them to whatever colour the decoder stores under alpha 0 would add noise.
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var opaque = new SKBitmap(info);
        using (var canvas = new SKCanvas(opaque))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(decoded, 0, 0);
        }
        var rgba = opaque.GetPixelSpan().ToArray();

        using var scope = NewDisposeScope();
        var rgb = tensor(rgba, [info.Height, info.Width, 4], ScalarType.Byte)
            .narrow(2, 0, 3).permute(2, 0, 1).to_type(ScalarType.Float32).div_(127.5).sub_(1.0);
        if (channels == 1)
            rgb = (rgb * tensor(LumaWeights).view(3, 1, 1)).sum(0, keepdim: true);
        return rgb.unsqueeze(0).MoveToOuterDisposeScope();
    }

    private static SKBitmap DecodeOrThrow(byte[] bytes, string path)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new DiffuseException($"{path}: not a readable PNG or JPEG image (corrupt or another format)");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        // Skia reports a cut-off file as IncompleteInput and still fills the rest with zeros;
        // training on half-grey images silently would be worse than stopping here.
        throw new DiffuseException($"{path}: cannot decode image: {(result == SKCodecResult.IncompleteInput ? "file is truncated" : result.ToString())}");
    }
}
