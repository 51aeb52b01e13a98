using Diffuse.Data;
using SkiaSharp;

namespace Diffuse.Tests.Data;

public sealed class DatasetLoaderTests
{
    [Fact]
    public void Embedded_fashion_mnist_has_10000_labelled_28x28_images_in_minus_one_one()
    {
        using var ds = DatasetLoader.Load("fashion-mnist", size: 28);

        Assert.Equal(10000, ds.Count);
        Assert.Equal((1, 28, 28), (ds.Channels, ds.Height, ds.Width));
        Assert.Equal(-1f, ds.Data.min().item<float>());
        Assert.Equal(1f, ds.Data.max().item<float>());
        // Mean of the 10k part computed once from the raw bytes (mean/127.5 − 1).
        Assert.Equal(-0.42738, ds.Data.mean().item<float>(), 4);
        var labels = ds.Labels!.data<long>().ToArray();
        Assert.Equal(new long[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 }, labels[..10]);
        Assert.Equal(942, labels.Count(l => l == 0));
        Assert.Equal(9, labels.Max());
    }

    [Fact]
    public void An_idx_path_finds_its_labels_beside_it_and_resizes_to_rgb()
    {
        using var dir = new TempFolder();
        var images = dir.File("t10k-images-idx3-ubyte.gz");
        IdxFixture.WriteImages(images, n: 3, h: 4, w: 4, Enumerable.Repeat((byte)255, 48).ToArray(), gzip: true);
        IdxFixture.WriteLabels(dir.File("t10k-labels-idx1-ubyte"), [4, 5, 6]);

        using var ds = DatasetLoader.Load(images, size: 8, channels: 3);

        Assert.Equal(dir.File("t10k-labels-idx1-ubyte"), DatasetLoader.FindLabelsBeside(images));
        Assert.Equal(new long[] { 3, 3, 8, 8 }, ds.Data.shape);
        Assert.Equal(1f, ds.Data.min().item<float>(), 5);
        Assert.Equal(new long[] { 4, 5, 6 }, ds.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void An_idx_path_without_a_labels_file_is_unlabelled()
    {
        using var dir = new TempFolder();
        var images = dir.File("digits.idx");
        IdxFixture.WriteImages(images, n: 2, h: 5, w: 5, new byte[50]);

        using var ds = DatasetLoader.Load(images, size: 5);

        Assert.Null(ds.Labels);
        Assert.Equal(new long[] { 2, 1, 5, 5 }, ds.Data.shape);
    }

    [Fact]
    public void A_labels_count_that_disagrees_with_the_images_is_a_DiffuseException()
    {
        using var dir = new TempFolder();
        var images = dir.File("train-images.idx3-ubyte");
        var labels = dir.File("train-labels.idx1-ubyte");
        IdxFixture.WriteImages(images, n: 2, h: 2, w: 2, new byte[8]);
        IdxFixture.WriteLabels(labels, [1, 2, 3]);

        var e = Assert.ThrowsAny<DiffuseException>(() => DatasetLoader.Load(images, size: 2));

        Assert.Equal($"{labels}: has 3 labels but {images} has 2 images", e.Message);
    }

    [Fact]
    public void A_folder_loads_as_rgb_images()
    {
        using var dir = new TempFolder();
        PngFixture.Write(dir.File("a.png"), 6, 6, SKColors.Blue);

        using var ds = DatasetLoader.Load(dir.Path, size: 6);

        Assert.Equal(new long[] { 1, 3, 6, 6 }, ds.Data.shape);
    }

    [Fact]
    public void Unknown_data_toy_names_and_bad_channels_are_DiffuseExceptions()
    {
        var missing = Assert.ThrowsAny<DiffuseException>(() => DatasetLoader.Load("no/such/x", 28));
        var toy = Assert.ThrowsAny<DiffuseException>(() => DatasetLoader.Load("moons", 28));
        var channels = Assert.ThrowsAny<DiffuseException>(() => DatasetLoader.Load("fashion-mnist", 28, channels: 2));

        Assert.Equal("data 'no/such/x' not found: expected a file, a folder or one of fashion-mnist, swissroll, moons, gaussians8, checkerboard", missing.Message);
        Assert.Equal("data 'moons' is a 2-D point set, not images; use it with a 2-D toy model", toy.Message);
        Assert.Equal("channels must be 1 (grayscale) or 3 (RGB), got 2", channels.Message);
    }
}
