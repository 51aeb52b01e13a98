using Diffuse.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class ImageGridTests
{
    /// <summary>Four 3-high, 2-wide gray images of constant −1, 1, 0 and 0.5.</summary>
    private static Tensor FourGray() =>
        tensor(new[] { -1f, 1f, 0f, 0.5f }).view(4, 1, 1, 1).expand(4, 1, 3, 2).contiguous();

    [Fact]
    public void A_two_by_two_grid_has_padded_size_and_the_mapped_byte_values()
    {
        using var dir = new TempFolder();
        var path = dir.File("grid.png");
        using var images = FourGray();

        ImageGrid.SavePng(images, path, padding: 2);

        using var png = PngFixture.Read(path);
        Assert.Equal((2 * (2 + 2) + 2, 2 * (3 + 2) + 2), (png.Width, png.Height));
        Assert.Equal(new SKColor(0, 0, 0), png.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 0, 0), png.GetPixel(3, 4));
        Assert.Equal(new SKColor(255, 255, 255), png.GetPixel(7, 4));
        Assert.Equal(new SKColor(128, 128, 128), png.GetPixel(2, 7));
        Assert.Equal(new SKColor(191, 191, 191), png.GetPixel(7, 9));
        Assert.Equal(new SKColor(0, 0, 0), png.GetPixel(4, 2));
    }

    [Fact]
    public void Rgb_values_are_clamped_and_scale_magnifies_each_pixel()
    {
        using var dir = new TempFolder();
        var path = dir.File("rgb.png");
        using var images = tensor(new[] { 3f, -5f, 0f }).view(1, 3, 1, 1);

        ImageGrid.SavePng(images, path, padding: 1, scale: 3);

        using var png = PngFixture.Read(path);
        Assert.Equal((5, 5), (png.Width, png.Height));
        Assert.Equal(new SKColor(255, 0, 128), png.GetPixel(1, 1));
        Assert.Equal(new SKColor(255, 0, 128), png.GetPixel(3, 3));
        Assert.Equal(new SKColor(0, 0, 0), png.GetPixel(4, 4));
    }

    [Fact]
    public void A_strip_is_one_row_and_save_each_writes_numbered_files()
    {
        using var dir = new TempFolder();
        using var images = FourGray();

        ImageGrid.SaveStrip(images, dir.File("strip.png"), padding: 0);
        var paths = ImageGrid.SaveEach(images, Path.Combine(dir.Path, "each"), "sample_");

        using var strip = PngFixture.Read(dir.File("strip.png"));
        Assert.Equal((8, 3), (strip.Width, strip.Height));
        Assert.Equal(new[] { "sample_0000.png", "sample_0001.png", "sample_0002.png", "sample_0003.png" },
            paths.Select(Path.GetFileName));
        using var second = PngFixture.Read(paths[1]);
        Assert.Equal((2, 3), (second.Width, second.Height));
        Assert.Equal(new SKColor(255, 255, 255), second.GetPixel(1, 2));
    }

    [Fact]
    public void Writing_replaces_an_existing_file_and_leaves_no_temp_files()
    {
        using var dir = new TempFolder();
        var path = dir.File("grid.png");
        File.WriteAllText(path, "an older, unrelated file");
        using var images = FourGray();

        ImageGrid.SavePng(images, path, columns: 4, padding: 0);

        using var png = PngFixture.Read(path);
        Assert.Equal((8, 3), (png.Width, png.Height));
        Assert.Equal(new[] { "grid.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Unsupported_shapes_are_DiffuseExceptions_naming_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("bad.png");
        using var twoChannels = zeros(1, 2, 4, 4);

        var e = Assert.ThrowsAny<DiffuseException>(() => ImageGrid.SavePng(twoChannels, path));

        Assert.Equal($"{path}: cannot save images of shape [1,2,4,4] as PNG: expected [N,1 or 3,H,W] with N ≥ 1", e.Message);
        Assert.False(File.Exists(path));
    }
}
