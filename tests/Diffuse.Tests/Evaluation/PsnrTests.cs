using Diffuse.Evaluation;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

public sealed class PsnrTests
{
    [Fact]
    public void Psnr_is_minus_ten_log10_of_the_mse_on_the_unit_scale()
    {
        // Image 0: one of four pixels wrong by the full range (−1 vs 1 → 0 vs 1 on [0, 1]): MSE 1/4, PSNR 10·log₁₀4.
        // Image 1: every pixel off by 0.1 in [−1, 1], i.e. 0.05 on [0, 1]: MSE 0.0025, PSNR 26.0206 dB.
        // Image 2: identical: the MSE floor of 1e−10 caps it at 100 dB.
        using var reference = full([3, 1, 2, 2], -1f);
        using var images = stack([
            tensor(new float[] { 1, -1, -1, -1 }).view(1, 2, 2),
            full([1, 2, 2], -0.9f),
            full([1, 2, 2], -1f),
        ]);
        var psnr = Psnr.PerImage(images, reference).data<double>().ToArray();
        Assert.Equal(10 * Math.Log10(4), psnr[0], 6);
        Assert.Equal(-10 * Math.Log10(0.0025), psnr[1], 4);
        Assert.Equal(100, psnr[2], 6);
    }

    [Fact]
    public void Psnr_of_mismatched_shapes_is_refused()
    {
        using var a = zeros(1, 1, 2, 2);
        using var b = zeros(1, 1, 4, 4);
        Assert.ThrowsAny<DiffuseException>(() => Psnr.PerImage(a, b));
    }

    [Fact]
    public void The_report_gives_the_mean_paired_gain_and_its_standard_error()
    {
        // Gains 2, 0, −1, 3: mean 1, sample variance ((1 + 1 + 4 + 4) / 3) = 10/3, standard error √(10/3 / 4).
        var report = Diffuse.Evaluation.SuperResolutionReport.From([22, 20, 19, 23], [20, 20, 20, 20]);
        Assert.Equal(21, report.ModelPsnr, 12);
        Assert.Equal(20, report.BicubicPsnr, 12);
        Assert.Equal(1, report.Gain, 12);
        Assert.Equal(Math.Sqrt(10.0 / 3 / 4), report.GainStandardError, 12);
        Assert.Equal(0.5, report.ModelBetterFraction, 12);
    }
}
