using Diffuse.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Data;

public sealed class PlotTests
{
    [Fact]
    public void Point_cloud_puts_data_and_samples_where_their_coordinates_say()
    {
        using var dir = new TempFolder();
        var path = dir.File("points.png");
        // Coordinates at pixel centres: x = 0.51 → column 75.5, y = 0.49 → row 25.5.
        using var data = tensor(new[] { 0.51f, 0.49f }).view(1, 2);
        using var samples = tensor(new[] { -0.49f, -0.51f, float.NaN, 0f }).view(2, 2);

        PointCloudPlot.SavePng(data, path, samples, size: 100, extent: 1);

        using var png = PngFixture.Read(path);
        Assert.Equal((100, 100), (png.Width, png.Height));
        Assert.Equal(PointCloudPlot.DataColor, png.GetPixel(75, 25));
        Assert.Equal(PointCloudPlot.SampleColor, png.GetPixel(25, 75));
        Assert.Equal(SKColors.White, png.GetPixel(10, 10));
        Assert.Equal(PointCloudPlot.AxisColor, png.GetPixel(10, 50));
    }

    [Fact]
    public void Point_cloud_of_a_toy_set_has_the_requested_size_and_rejects_bad_shapes()
    {
        using var dir = new TempFolder();
        using var data = Toy2D.Moons(2000, new Generator(0));
        using var wrong = zeros(5, 3);

        PointCloudPlot.SavePng(data, dir.File("moons.png"), size: 256);
        var e = Assert.ThrowsAny<DiffuseException>(() => PointCloudPlot.SavePng(wrong, dir.File("bad.png")));

        using var png = PngFixture.Read(dir.File("moons.png"));
        Assert.Equal((256, 256), (png.Width, png.Height));
        Assert.Equal($"{dir.File("bad.png")}: cannot plot points of shape [5,3]: expected [N,2]", e.Message);
    }

    [Fact]
    public void Loss_plot_is_a_png_of_the_requested_size_with_the_curves_drawn()
    {
        using var dir = new TempFolder();
        var path = dir.File("loss.png");
        var rng = new Random(5);
        var points = Enumerable.Range(1, 500)
            .Select(s => ((long)s * 10, 0.05 + 1.0 / s * (1 + 0.3 * rng.NextDouble())))
            .Append((5010L, double.NaN))
            .ToList();

        LossPlot.SavePng(points, path, width: 640, height: 320);

        using var png = PngFixture.Read(path);
        Assert.Equal((640, 320), (png.Width, png.Height));
        Assert.Equal(SKColors.White, png.GetPixel(639, 0));
        var smoothPixels = Enumerable.Range(0, 640).SelectMany(x => Enumerable.Range(0, 320).Select(y => png.GetPixel(x, y)))
            .Count(c => c == LossPlot.SmoothColor);
        Assert.True(smoothPixels > 300, $"only {smoothPixels} pixels of the smoothed curve");
        Assert.Equal(new[] { "loss.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Loss_plot_without_usable_points_still_writes_the_axes()
    {
        using var dir = new TempFolder();

        LossPlot.SavePng([(1, double.NaN), (2, 0.0)], dir.File("empty.png"), width: 300, height: 200);

        using var png = PngFixture.Read(dir.File("empty.png"));
        Assert.Equal((300, 200), (png.Width, png.Height));
    }

    [Fact]
    public void Ema_is_bias_corrected()
    {
        var smooth = LossPlot.Ema([1.0, 0.0, 0.0], 0.5);

        Assert.Equal(1.0, smooth[0], 12);
        Assert.Equal(0.25 / 0.75, smooth[1], 12);
        Assert.Equal(0.125 / 0.875, smooth[2], 12);
    }

    [Fact]
    public void Ticks_are_one_two_five_times_powers_of_ten()
    {
        Assert.Equal(new[] { 0.0, 200, 400, 600, 800, 1000 }, AxisTicks.Linear(0, 1000));
        Assert.Equal(new[] { 0.3, 0.4, 0.5, 0.6, 0.7 }, AxisTicks.Linear(0.25, 0.72, 5));
        Assert.Equal(new[] { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1 }, AxisTicks.Log(0.01, 1));
        Assert.Equal(new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1 }, AxisTicks.Log(5e-5, 3));
        Assert.Equal(new[] { 0.06, 0.07, 0.08, 0.09 }, AxisTicks.Log(0.055, 0.095));
    }
}
