using Diffuse.Data;
using SkiaSharp;

namespace Diffuse.Tests.Data;

public sealed class PngTextTests
{
    static byte[] Png() => ImageGrid.EncodePng(TorchSharp.torch.linspace(-1, 1, 12).reshape(1, 1, 3, 4), columns: 1, padding: 0);

    [Fact]
    public void A_latin1_text_goes_in_a_tEXt_chunk_after_the_header_and_reads_back()
    {
        var png = PngText.With(Png(), "parameters", "a photo\nSteps: 20, Seed: 1");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal("tEXt", System.Text.Encoding.ASCII.GetString(png, 33 + 4, 4));
        Assert.Equal("a photo\nSteps: 20, Seed: 1", PngText.Read(png, "parameters"));
        Assert.Null(PngText.Read(png, "Comment"));
        // The image is unchanged and still decodes (Skia checks the chunk CRCs).
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(4, bitmap.Width);
    }

    [Fact]
    public void Other_text_goes_in_an_utf8_iTXt_chunk()
    {
        var png = PngText.With(Png(), "parameters", "猫 x̂₀");
        Assert.Equal("iTXt", System.Text.Encoding.ASCII.GetString(png, 33 + 4, 4));
        Assert.Equal("猫 x̂₀", PngText.Read(png, "parameters"));
        Assert.NotNull(SKBitmap.Decode(png));
    }

    [Fact]
    public void The_chunk_crc_is_png_s_crc32()
    {
        // The CRC-32 check value of ISO 3309 / PNG: "123456789" → 0xCBF43926.
        Assert.Equal(0xCBF43926u, PngText.Crc32("123456789"u8));
    }

    [Fact]
    public void Bytes_that_are_no_png_have_no_text_and_are_refused_for_writing()
    {
        Assert.Null(PngText.Read([1, 2, 3], "parameters"));
        Assert.Throws<DiffuseArgumentException>(() => PngText.With([1, 2, 3], "parameters", "x"));
    }
}
