using Diffuse.Data;

namespace Diffuse.Tests.Data;

public sealed class IdxReaderTests
{
    private static readonly byte[] Pixels = [0, 255, 51, 204, 127, 128, 1, 2, 3, 4, 5, 6];

    [Theory]
    [InlineData(false, "images-idx3-ubyte")]
    [InlineData(true, "images-idx3-ubyte")]
    [InlineData(true, "gzipped-without-gz-extension")]
    public void Images_round_trip_scaled_to_minus_one_one(bool gzip, string name)
    {
        using var dir = new TempFolder();
        var path = dir.File(name);
        IdxFixture.WriteImages(path, n: 2, h: 2, w: 3, Pixels, gzip);

        using var images = IdxReader.ReadImages(path);

        Assert.Equal(new long[] { 2, 1, 2, 3 }, images.shape);
        var values = images.data<float>().ToArray();
        for (var i = 0; i < Pixels.Length; i++)
            Assert.Equal(Pixels[i] / 127.5f - 1f, values[i], 6);
        Assert.Equal(-1f, values[0]);
        Assert.Equal(1f, values[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip(bool gzip)
    {
        using var dir = new TempFolder();
        var path = dir.File("labels-idx1-ubyte.gz");
        IdxFixture.WriteLabels(path, [9, 0, 3], gzip);

        Assert.Equal(new long[] { 9, 0, 3 }, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Truncated_images_file_names_the_file_and_the_counts()
    {
        using var dir = new TempFolder();
        var path = dir.File("train-images.idx");
        var bytes = IdxFixture.Encode(0x803, [10000, 28, 28], new byte[3 * 28 * 28 + 5]);
        IdxFixture.Write(path, bytes, gzip: true);

        var e = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: truncated IDX file: header says 10000 images of 28x28 but only 3 are present", e.Message);
    }

    [Fact]
    public void Bad_magic_is_rejected_and_a_labels_file_is_recognised()
    {
        using var dir = new TempFolder();
        var labels = dir.File("labels.idx");
        IdxFixture.WriteLabels(labels, [1, 2]);
        var junk = dir.File("junk.idx");
        File.WriteAllBytes(junk, [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1]);

        var asImages = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadImages(labels));
        var asJunk = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadLabels(junk));

        Assert.Equal($"{labels}: not an IDX images file: magic number 0x00000801, expected 0x00000803 (this is an IDX labels file)", asImages.Message);
        Assert.Equal($"{junk}: not an IDX labels file: magic number 0x12345678, expected 0x00000801", asJunk.Message);
    }

    [Fact]
    public void Trailing_bytes_and_missing_files_are_DiffuseExceptions()
    {
        using var dir = new TempFolder();
        var path = dir.File("long.idx");
        IdxFixture.Write(path, IdxFixture.Encode(0x801, [2], [1, 2, 3]), gzip: false);

        var trailing = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadLabels(path));
        var missing = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadLabels(dir.File("nope")));

        Assert.Equal($"{path}: bad IDX file: 1 bytes follow the 2 labels the header declares", trailing.Message);
        Assert.Equal($"{dir.File("nope")}: file not found", missing.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_a_DiffuseException_naming_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("broken.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]);

        var e = Assert.ThrowsAny<DiffuseException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith($"{path}: ", e.Message);
    }
}
