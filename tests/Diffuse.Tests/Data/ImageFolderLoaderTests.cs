using Diffuse.Data;
using SkiaSharp;

namespace Diffuse.Tests.Data;

public sealed class ImageFolderLoaderTests
{
    private static float Scaled(double byteValue) => (float)(byteValue / 127.5 - 1);

    [Fact]
    public void A_wide_red_image_resizes_and_crops_to_exact_red()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("red.png"), 40, 20, new SKColor(255, 0, 0));

        using var ds = ImageFolderLoader.Load(dir.Path, size: 16);

        Assert.Equal(new long[] { 1, 3, 16, 16 }, ds.Data.shape);
        Assert.Null(ds.Labels);
        Assert.Equal(1f, ds.Data[0, 0].min().item<float>(), 5);
        Assert.Equal(-1f, ds.Data[0, 1].max().item<float>(), 5);
        Assert.Equal(-1f, ds.Data[0, 2].max().item<float>(), 5);
    }

    [Fact]
    public void The_centre_crop_keeps_the_middle_of_the_long_side()
    {
        // 40×20, red left half, blue right half → resized to 32×16, crop columns 8..23: eight
        // red columns then eight blue ones (blended only next to the seam).
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("split.png"), 40, 20, new SKColor(255, 0, 0), new SKColor(0, 0, 255));

        using var ds = ImageFolderLoader.Load(dir.Path, size: 16);

        Assert.Equal(1f, ds.Data[0, 0, 8, 0].item<float>(), 5);
        Assert.Equal(-1f, ds.Data[0, 2, 8, 0].item<float>(), 5);
        Assert.Equal(-1f, ds.Data[0, 0, 8, 15].item<float>(), 5);
        Assert.Equal(1f, ds.Data[0, 2, 8, 15].item<float>(), 5);
    }

    [Fact]
    public void Grayscale_is_the_BT601_luma()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("a.png"), 8, 8, new SKColor(200, 100, 50));

        using var ds = ImageFolderLoader.Load(dir.Path, size: 8, channels: 1);

        Assert.Equal(new long[] { 1, 1, 8, 8 }, ds.Data.shape);
        Assert.Equal(Scaled(0.299 * 200 + 0.587 * 100 + 0.114 * 50), ds.Data.mean().item<float>(), 5);
    }

    [Fact]
    public void Transparent_pixels_become_white_and_jpegs_load()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("clear.png"), 4, 4, new SKColor(0, 0, 0, 0));
        PngFixture.Write(dir.File("green.jpg"), 16, 16, new SKColor(0, 255, 0), format: SKEncodedImageFormat.Jpeg);

        using var ds = ImageFolderLoader.Load(dir.Path, size: 4);

        Assert.Equal(1f, ds.Data[0].min().item<float>(), 5);
        var green = ds.Data[1].mean(dimensions: [1, 2]).data<float>().ToArray();
        Assert.InRange(green[0], -1f, -0.95f);
        Assert.InRange(green[1], 0.95f, 1f);
        Assert.InRange(green[2], -1f, -0.95f);
    }

    [Fact]
    public void Subfolders_are_classes_in_name_order()
    {
        using var dir = new TempFolder();
        PngFixture.Write(Path.Combine(dir.Path, "cat", "1.png"), 4, 4, SKColors.Black);
        PngFixture.Write(Path.Combine(dir.Path, "ant", "1.png"), 4, 4, SKColors.White);
        PngFixture.Write(Path.Combine(dir.Path, "ant", "2.png"), 4, 4, SKColors.White);

        using var ds = ImageFolderLoader.Load(dir.Path, size: 4);

        Assert.Equal(new[] { "ant", "cat" }, ds.ClassNames);
        Assert.Equal(new long[] { 0, 0, 1 }, ds.Labels!.data<long>().ToArray());
        Assert.Equal(-1f, ds.Data[2].max().item<float>(), 5);
    }

    [Fact]
    public void Without_recursion_subfolders_are_ignored()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("top.png"), 4, 4, SKColors.White);
        PngFixture.Write(Path.Combine(dir.Path, "sub", "deep.png"), 4, 4, SKColors.Black);

        using var ds = ImageFolderLoader.Load(dir.Path, size: 4, recursive: false);

        Assert.Equal(1, ds.Count);
        Assert.Null(ds.Labels);
    }

    [Fact]
    public void A_corrupt_image_is_named_in_the_error()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("good.png"), 4, 4, SKColors.White);
        var bad = dir.File("bad.png");
        File.WriteAllBytes(bad, Enumerable.Range(0, 256).Select(i => (byte)(i * 37 + 11)).ToArray());

        var e = Assert.ThrowsAny<DiffuseException>(() => ImageFolderLoader.Load(dir.Path, size: 4));

        Assert.Equal($"{bad}: not a readable PNG or JPEG image (corrupt or another format)", e.Message);
    }

    [Fact]
    public void A_truncated_png_is_named_in_the_error()
    {
        using var dir = new TempFolder();
        var cut = dir.File("cut.png");
        PngFixture.Write(cut, 64, 64, new SKColor(10, 200, 30), new SKColor(250, 20, 90));
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);

        var e = Assert.ThrowsAny<DiffuseException>(() => ImageFolderLoader.Load(dir.Path, size: 4));

        Assert.Equal($"{cut}: cannot decode image: file is truncated", e.Message);
    }

    [Fact]
    public void Empty_missing_and_mixed_folders_are_DiffuseExceptions()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("notes.txt"), "not an image");
        var missing = dir.File("missing");
        var mixed = dir.File("mixed");
        PngFixture.Write(Path.Combine(mixed, "loose.png"), 4, 4, SKColors.White);
        PngFixture.Write(Path.Combine(mixed, "a", "x.png"), 4, 4, SKColors.White);

        var empty = Assert.ThrowsAny<DiffuseException>(() => ImageFolderLoader.Load(dir.Path, 4, recursive: false));
        var notFound = Assert.ThrowsAny<DiffuseException>(() => ImageFolderLoader.Load(missing, 4));
        var both = Assert.ThrowsAny<DiffuseException>(() => ImageFolderLoader.Load(mixed, 4));

        Assert.Equal($"{dir.Path}: no PNG or JPEG images found", empty.Message);
        Assert.Equal($"{missing}: folder not found", notFound.Message);
        Assert.StartsWith($"{mixed}: images both at the top level (e.g. loose.png)", both.Message);
    }
}
