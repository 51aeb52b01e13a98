using Diffuse.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class ImageDatasetTests
{
    /// <summary>N images of 1×1×2 whose left pixel is i/10 and right pixel is −i/10, labelled i.</summary>
    private static ImageDataset Indexed(int n)
    {
        var left = arange(n, ScalarType.Float32).div(10).view(n, 1, 1, 1);
        var data = cat([left, left.neg()], 3);
        return new ImageDataset(data, arange(n, ScalarType.Int64));
    }

    [Fact]
    public void Same_seed_gives_the_same_batch_and_another_seed_a_different_one()
    {
        using var ds = Indexed(50);

        using var a = ds.SampleBatch(16, new Generator(7), randomFlip: true);
        using var b = ds.SampleBatch(16, new Generator(7), randomFlip: true);
        using var c = ds.SampleBatch(16, new Generator(8), randomFlip: true);

        Assert.Equal(new long[] { 16, 1, 1, 2 }, a.shape);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.NotEqual(a.data<float>().ToArray(), c.data<float>().ToArray());
    }

    [Fact]
    public void Indices_are_uniform_and_labels_follow_their_images()
    {
        using var ds = Indexed(4);

        var (images, labels) = ds.SampleLabelledBatch(4000, new Generator(1), randomFlip: false);
        using var _i = images;
        using var _l = labels;

        var left = images[.., 0, 0, 0].data<float>().ToArray();
        var index = labels!.data<long>().ToArray();
        for (var i = 0; i < index.Length; i++) Assert.Equal(index[i] / 10f, left[i], 6);
        for (var k = 0; k < 4; k++) Assert.InRange(index.Count(v => v == k), 850, 1150);
    }

    [Fact]
    public void Random_flip_mirrors_about_half_the_images()
    {
        using var ds = Indexed(10);

        var (images, labels) = ds.SampleLabelledBatch(2000, new Generator(3), randomFlip: true);
        using var _i = images;
        using var _l = labels;

        var left = images[.., 0, 0, 0].data<float>().ToArray();
        var index = labels!.data<long>().ToArray();
        var flipped = Enumerable.Range(0, left.Length).Count(i => index[i] > 0 && left[i] < 0);
        var unflipped = Enumerable.Range(0, left.Length).Count(i => index[i] > 0 && left[i] > 0);
        Assert.InRange(flipped / (double)(flipped + unflipped), 0.45, 0.55);
    }

    [Fact]
    public void Without_flip_images_are_never_mirrored()
    {
        using var ds = Indexed(10);

        using var images = ds.SampleBatch(500, new Generator(3), randomFlip: false);

        Assert.True(images[.., 0, 0, 0].ge(0).all().item<bool>());
    }

    [Fact]
    public void Resize_to_the_native_size_copies_and_other_sizes_crop_the_centre()
    {
        // A 20×40 image whose columns run from −1 to 1: the centre crop of the 16×32 resize keeps
        // the middle half of the columns and the constant rows.
        var columns = linspace(-1, 1, 40).view(1, 1, 1, 40).expand(1, 1, 20, 40).contiguous();
        using var ds = new ImageDataset(columns);

        using var same = ds.Resize(20);
        using var small = ds.Resize(16);

        Assert.Equal(new long[] { 1, 1, 16, 16 }, small.Data.shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Resize(0));
        var row = small.Data[0, 0, 5].data<float>().ToArray();
        Assert.InRange(row[0], -0.55f, -0.45f);
        Assert.InRange(row[15], 0.45f, 0.55f);
        Assert.Equal(0f, row[7] + row[8], 4);
        Assert.True(small.Data[0, 0, 0].allclose(small.Data[0, 0, 15]));
        Assert.Equal(new long[] { 1, 1, 20, 20 }, same.Data.shape);
    }

    [Fact]
    public void Resize_keeps_a_constant_image_constant_when_growing_28_to_32()
    {
        using var ds = new ImageDataset(full(3, 1, 28, 28, 0.25f), tensor(new long[] { 0, 1, 2 }));

        using var big = ds.Resize(32);

        Assert.Equal(new long[] { 3, 1, 32, 32 }, big.Data.shape);
        Assert.Equal(0.25, big.Data.min().item<float>(), 5);
        Assert.Equal(0.25, big.Data.max().item<float>(), 5);
        Assert.Equal(new long[] { 0, 1, 2 }, big.Labels!.data<long>().ToArray());
    }
}
