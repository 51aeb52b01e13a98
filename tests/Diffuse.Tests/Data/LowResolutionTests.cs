using Diffuse.Data;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class LowResolutionTests
{
    /// <summary>A value an 8-bit image stores exactly: level 51 of 255.</summary>
    private const float Level51 = 51 / 127.5f - 1;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Degrading_a_constant_image_gives_the_same_constant(int scale)
    {
        using var image = full([2, 3, 12, 12], Level51);
        using var low = LowResolution.Degrade(image, scale);
        Assert.Equal(new long[] { 2, 3, 12 / scale, 12 / scale }, low.shape);
        Assert.Equal(0, (low - Level51).abs().max().item<float>(), 6);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Bicubic_upsampling_of_a_constant_image_gives_the_same_constant(int scale)
    {
        using var image = full([1, 1, 5, 5], -0.3f);
        using var up = LowResolution.Upsample(image, scale);
        Assert.Equal(new long[] { 1, 1, 5 * scale, 5 * scale }, up.shape);
        Assert.Equal(0, (up + 0.3f).abs().max().item<float>(), 6);
    }

    [Fact]
    public void Degrading_averages_each_block_and_rounds_to_8_bits()
    {
        // Block [[−1, 1], [1, 1]] has mean 0.5 = level 191.25 → 191; block of −1s stays level 0.
        using var image = tensor(new float[] { -1, 1, -1, -1, 1, 1, -1, -1 }).view(1, 1, 2, 4);
        using var low = LowResolution.Degrade(image, 2);
        var values = low.data<float>().ToArray();
        Assert.Equal(191 / 127.5 - 1, values[0], 6);
        Assert.Equal(-1, values[1], 6);
    }

    [Fact]
    public void Bicubic_upsampling_is_keys_cubic_with_a_minus_0_75_and_half_pixel_centres()
    {
        // Row [−0.5, 0.5] doubled: output pixel centres fall at source x = −0.25, 0.25, 0.75, 1.25 (align_corners
        // false), borders replicate. Keys' weights with a = −0.75 at distances 0.25, 0.75, 1.25, 1.75 are
        // 0.87890625, 0.26171875, −0.10546875, −0.03515625, so x = 0.25 gives −0.5 + 0.26171875 − 0.03515625.
        using var image = tensor(new float[] { -0.5f, 0.5f }).view(1, 1, 1, 2);
        using var up = LowResolution.Upsample(image, 2);
        Assert.Equal(new long[] { 1, 1, 2, 4 }, up.shape);
        var expected = new[] { -0.60546875, -0.2734375, 0.2734375, 0.60546875 };
        var rows = up.data<float>().ToArray();
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i % 4], rows[i], 6);
    }

    [Fact]
    public void Bicubic_overshoot_is_clamped_to_the_image_range()
    {
        using var image = tensor(new float[] { -1f, 1f }).view(1, 1, 1, 2);
        using var up = LowResolution.Upsample(image, 2);
        Assert.Equal(-1, up.min().item<float>(), 6);
        Assert.Equal(1, up.max().item<float>(), 6);
    }

    [Fact]
    public void A_size_the_scale_does_not_divide_is_refused()
    {
        using var image = zeros(1, 1, 28, 28);
        var error = Assert.ThrowsAny<DiffuseException>(() => LowResolution.Degrade(image, 3));
        Assert.Contains("divisible", error.Message);
    }
}
