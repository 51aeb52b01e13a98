using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class ReconstructionErrorTests
{
    [Fact]
    public void A_constant_offset_of_0_02_is_2_55_grey_levels_and_40_dB()
    {
        using var scope = NewDisposeScope();
        var image = linspace(-0.9, 0.9, 16).reshape(1, 1, 4, 4);
        var error = ReconstructionError.Of(image, image + 0.02);
        // 0.02 of the [−1, 1] range is 0.02·127.5 = 2.55 of 255; PSNR = 20·log10(255/2.55) = 40 dB.
        Assert.Equal(2.55, error.Rmse, 1e-5);
        Assert.Equal(40.0, error.Psnr, 1e-4);
        Assert.Equal(2.55, error.MaxAbs, 1e-5);
    }

    [Fact]
    public void Values_outside_the_pixel_range_are_clamped_as_a_png_would_be()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new[] { 1f, -1f, 0f, 0f }).reshape(1, 1, 2, 2);
        var reconstruction = tensor(new[] { 1.5f, -3f, 0f, 1f }).reshape(1, 1, 2, 2);
        var error = ReconstructionError.Of(image, reconstruction);
        // only the last pixel differs, by 127.5: RMSE = sqrt(127.5²/4) = 63.75.
        Assert.Equal(63.75, error.Rmse, 1e-9);
        Assert.Equal(127.5, error.MaxAbs, 1e-9);
    }

    [Fact]
    public void Per_image_errors_and_identical_images()
    {
        using var scope = NewDisposeScope();
        var images = zeros(2, 1, 2, 2);
        var reconstructions = cat([zeros(1, 1, 2, 2), full(1, 1, 2, 2, 0.2f)]);
        var errors = ReconstructionError.PerImage(images, reconstructions);
        Assert.Equal(0.0, errors[0].Rmse);
        Assert.Equal(double.PositiveInfinity, errors[0].Psnr);
        Assert.Equal(25.5, errors[1].Rmse, 1e-5);
    }
}
