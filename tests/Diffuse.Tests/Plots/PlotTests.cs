using Diffuse.Data;
using Diffuse.Plots;
using Diffuse.Tests.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Tests.Plots;

public sealed class PlotTests
{
    [Fact]
    public void Point_cloud_puts_data_and_samples_in_the_quadrants_their_coordinates_say()
    {
        using var dir = new TempFolder();
        var path = dir.File("points.png");
        // Nine data points down and to the left, nine samples up and to the right, one NaN sample (skipped).
        float[] Grid(float c) => [.. from i in Enumerable.Range(0, 9) from v in new[] { c + 0.1f * (i % 3), c + 0.1f * (i / 3) } select v];
        using var data = tensor(Grid(-0.6f)).view(9, 2);
        using var samples = tensor([.. Grid(0.4f), float.NaN, 0f]).view(10, 2);

        PointCloudPlot.SavePng(data, path, samples, size: 256, extent: 1);

        using var png = PngFixture.Read(path);
        Assert.Equal((256, 256), (png.Width, png.Height));
        var dataPixels = Count(png, PointCloudPlot.DataColor);
        var samplePixels = Count(png, PointCloudPlot.SampleColor);
        // Nine 3-pixel markers each; the legend above the data shows the data symbol left of the
        // middle and the sample symbol right of it.
        Assert.InRange(dataPixels.LowerLeft, 20, 150);
        Assert.InRange(samplePixels.UpperRight, 20, 150);
        Assert.Equal((0, 0), (dataPixels.UpperRight, dataPixels.LowerRight));
        Assert.Equal((0, 0, 0), (samplePixels.UpperLeft, samplePixels.LowerLeft, samplePixels.LowerRight));
    }

    [Fact]
    public void Point_cloud_of_a_toy_set_has_the_requested_size_and_rejects_bad_shapes_and_sizes()
    {
        using var dir = new TempFolder();
        using var data = Toy2D.Moons(2000, new Generator(0));
        using var wrong = zeros(5, 3);

        PointCloudPlot.SavePng(data, dir.File("moons.png"), size: 256);
        using (var none = zeros(0, 2))
        using (var diverged = full(3, 2, float.NaN))
            PointCloudPlot.SavePng(none, dir.File("none.png"), diverged);
        var shape = Assert.ThrowsAny<DiffuseException>(() => PointCloudPlot.SavePng(wrong, dir.File("bad.png")));
        var size = Assert.ThrowsAny<DiffuseException>(() => PointCloudPlot.SavePng(data, dir.File("small.png"), size: 128));

        using var png = PngFixture.Read(dir.File("moons.png"));
        Assert.Equal((256, 256), (png.Width, png.Height));
        var dataPixels = Count(png, PointCloudPlot.DataColor);
        Assert.True(dataPixels.Total > 1000, $"only {dataPixels.Total} pixels of data points");
        Assert.Equal(0, Count(png, PointCloudPlot.SampleColor).Total);
        Assert.Equal($"{dir.File("bad.png")}: cannot plot points of shape [5,3]: expected [N,2]", shape.Message);
        Assert.Equal($"{dir.File("small.png")}: plot size must be at least 200 pixels, got 128", size.Message);
        using var empty = PngFixture.Read(dir.File("none.png"));
        Assert.Equal((512, 512), (empty.Width, empty.Height));
        Assert.Equal(new[] { "moons.png", "none.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Loss_plot_is_a_png_of_the_requested_size_with_the_smoothed_curve_drawn()
    {
        using var dir = new TempFolder();
        var path = dir.File("loss.png");
        var rng = new Random(5);
        var points = Enumerable.Range(1, 500)
            .Select(s => ((long)s * 10, 0.05 + 1.0 / s * (1 + 0.3 * rng.NextDouble())))
            .Append((5010L, double.NaN))
            .Append((5020L, -1.0))
            .ToList();

        LossPlot.SavePng(points, path, width: 640, height: 320);

        using var png = PngFixture.Read(path);
        Assert.Equal((640, 320), (png.Width, png.Height));
        Assert.Equal(SKColors.White, png.GetPixel(639, 0));
        // A 2.5-pixel line across the ~570-pixel-wide data area, falling steeply at the start.
        Assert.InRange(Count(png, LossPlot.SmoothColor).Total, 800, 3000);
        Assert.Equal(new[] { "loss.png" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Loss_plot_draws_raw_losses_faintly_apart_from_their_average()
    {
        using var dir = new TempFolder();
        // Losses jumping between 0.1 and 1: the raw line zigzags over a decade, the average stays between.
        var points = Enumerable.Range(0, 100).Select(s => ((long)s, s % 2 == 0 ? 0.1 : 1.0)).ToList();

        LossPlot.SavePng(points, dir.File("loss.png"), width: 400, height: 300, smoothing: 0.95);

        using var png = PngFixture.Read(dir.File("loss.png"));
        var raw = Count(png, LossPlot.RawColor, tolerance: 20);
        var smooth = Count(png, LossPlot.SmoothColor);
        Assert.True(raw.Total > 2000, $"only {raw.Total} pixels of the raw curve");
        Assert.InRange(smooth.Total, 300, 2000);
        // The average settles at 0.55, 28% of the way down an axis from 1.12 to 0.089: in the upper half
        // but for its first steps from 0.1.
        Assert.True(smooth.UpperLeft + smooth.UpperRight > 3 * (smooth.LowerLeft + smooth.LowerRight),
            $"smoothed curve in the upper half {smooth.UpperLeft + smooth.UpperRight} vs lower {smooth.LowerLeft + smooth.LowerRight}");
    }

    [Fact]
    public void Loss_plot_has_text_left_of_and_below_the_data_area()
    {
        using var dir = new TempFolder();
        LossPlot.SavePng([(0, 1.0), (1000, 0.01)], dir.File("loss.png"), width: 400, height: 300);

        using var png = PngFixture.Read(dir.File("loss.png"));
        // The frame of the data area is the first dark column and the last dark row running most of the
        // image. Beyond the tick marks (8 pixels) only text is dark: the tick labels, "loss" and "step".
        // With no usable font (a machine without fonts, were the font not embedded) these are blank.
        bool IsDark(int x, int y) => png.GetPixel(x, y) is { Red: < 100, Green: < 100, Blue: < 100 };
        var left = Enumerable.Range(0, png.Width).First(x => Enumerable.Range(0, png.Height).Count(y => IsDark(x, y)) > png.Height / 2);
        var bottom = Enumerable.Range(0, png.Height).Last(y => Enumerable.Range(0, png.Width).Count(x => IsDark(x, y)) > png.Width / 2);
        int Dark(int x0, int x1, int y0, int y1) =>
            Enumerable.Range(x0, x1 - x0).Sum(x => Enumerable.Range(y0, y1 - y0).Count(y => IsDark(x, y)));
        Assert.InRange(left, 30, 100);
        Assert.InRange(bottom, 200, 280);
        Assert.True(Dark(0, left - 8, 0, bottom) > 100, "no text left of the data area");
        Assert.True(Dark(left, png.Width, bottom + 8, png.Height) > 100, "no text below the data area");
    }

    [Fact]
    public void Loss_plot_without_usable_points_still_writes_a_plot()
    {
        using var dir = new TempFolder();

        LossPlot.SavePng([(1, double.NaN), (2, 0.0), (3, double.PositiveInfinity)], dir.File("empty.png"), width: 300, height: 200);
        LossPlot.SavePng([], dir.File("none.png"), width: 300, height: 200);

        using var png = PngFixture.Read(dir.File("empty.png"));
        Assert.Equal((300, 200), (png.Width, png.Height));
        Assert.Equal(0, Count(png, LossPlot.SmoothColor).Total);
        using var none = PngFixture.Read(dir.File("none.png"));
        Assert.Equal((300, 200), (none.Width, none.Height));
    }

    [Fact]
    public void Loss_plot_rejects_bad_sizes_and_smoothing_in_one_line()
    {
        using var dir = new TempFolder();
        var path = dir.File("loss.png");

        var size = Assert.ThrowsAny<DiffuseException>(() => LossPlot.SavePng([(1, 1.0)], path, width: 100, height: 400));
        var smoothing = Assert.ThrowsAny<DiffuseException>(() => LossPlot.SavePng([(1, 1.0)], path, smoothing: 1));

        Assert.Equal($"{path}: loss plot must be at least 200x120 pixels, got 100x400", size.Message);
        Assert.Equal($"{path}: smoothing must be in [0, 1), got 1", smoothing.Message);
        Assert.False(File.Exists(path));
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
    public void Log_ticks_are_labelled_with_the_values_at_one_two_three_five_times_powers_of_ten()
    {
        // Two decades on 300 pixels: 150 pixels a decade, room for 1, 2, 3, 5 (2 → 3 is 26 pixels).
        var ticks = LogTickGenerator.Generate(-2, 0, pixels: 300, minSpacing: 24);

        var majors = ticks.Where(t => t.IsMajor).ToList();
        Assert.Equal(new[] { "0.01", "0.02", "0.03", "0.05", "0.1", "0.2", "0.3", "0.5", "1" }, majors.Select(t => t.Label));
        Assert.All(majors, t => Assert.Equal(Math.Log10(double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture)), t.Position, 12));
        Assert.Equal(new[] { 0.04, 0.06, 0.07, 0.08, 0.09, 0.4, 0.6, 0.7, 0.8, 0.9 },
            ticks.Where(t => !t.IsMajor).Select(t => Math.Round(Math.Pow(10, t.Position), 12)).Order());
    }

    [Fact]
    public void Log_ticks_thin_out_over_many_decades_fill_in_over_one_and_turn_linear_in_a_narrow_range()
    {
        var wide = LogTickGenerator.Generate(-8, 0, pixels: 100, minSpacing: 24);
        // 0.72 decades on 340 pixels: 5 → 6 is 37 pixels, 9 → 10 would be 22.
        var medium = LogTickGenerator.Generate(Math.Log10(0.25), Math.Log10(1.3), pixels: 340, minSpacing: 24);
        var narrow = LogTickGenerator.Generate(Math.Log10(0.055), Math.Log10(0.065), pixels: 300, minSpacing: 24);

        // 12.5 pixels a decade: every second decade.
        Assert.Equal(new[] { "1e-8", "1e-6", "0.0001", "0.01", "1" }, wide.Where(t => t.IsMajor).Select(t => t.Label));
        Assert.DoesNotContain(wide, t => !t.IsMajor);
        Assert.Equal(new[] { "0.3", "0.4", "0.5", "0.6", "0.8", "1" }, medium.Where(t => t.IsMajor).Select(t => t.Label));
        var values = narrow.Where(t => t.IsMajor).Select(t => double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(values.Count, 3, 13);
        Assert.All(values, v => Assert.InRange(v, 0.055, 0.065));
        var steps = values.Zip(values.Skip(1), (a, b) => b - a).ToList();
        Assert.All(steps, s => Assert.Equal(steps[0], s, 9));
    }

    /// <summary>Pixels within <paramref name="tolerance"/> of <paramref name="color"/> in each quarter of the image.</summary>
    private static (int UpperLeft, int UpperRight, int LowerLeft, int LowerRight, int Total) Count(SKBitmap png, SKColor color, int tolerance = 8)
    {
        var counts = new int[4];
        for (var y = 0; y < png.Height; y++)
            for (var x = 0; x < png.Width; x++)
            {
                var c = png.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) <= tolerance && Math.Abs(c.Green - color.Green) <= tolerance
                    && Math.Abs(c.Blue - color.Blue) <= tolerance)
                    counts[(y >= png.Height / 2 ? 2 : 0) + (x >= png.Width / 2 ? 1 : 0)]++;
            }
        return (counts[0], counts[1], counts[2], counts[3], counts.Sum());
    }
}
