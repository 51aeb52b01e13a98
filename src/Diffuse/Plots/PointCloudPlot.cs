using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Plots;

/// <summary>
/// Scatter plot of 2-D points as PNG: the training data in a muted blue-grey and, on top, model samples
/// in orange, the quickest check of a sampler on a toy set.
/// </summary>
public static class PointCloudPlot
{
    public static readonly SKColor DataColor = new(140, 160, 195);
    public static readonly SKColor SampleColor = new(230, 100, 20);
    public static readonly SKColor AxisColor = new(215, 215, 215);

    // Room for tick labels left and below and for the legend above, the data area square so both axes
    // get the same scale.
    private static readonly PixelPadding Margins = new(left: 44, right: 14, bottom: 26, top: 32);

    /// <param name="data">[N,2] points drawn in <see cref="DataColor"/>.</param>
    /// <param name="samples">optional [M,2] points drawn over them in <see cref="SampleColor"/>.</param>
    /// <param name="size">width and height in pixels.</param>
    /// <param name="extent">the plot shows [−extent, extent] on both axes; by default 1.1 times the
    /// largest finite |coordinate| of <paramref name="data"/>, so plots across training share axes and
    /// diverging samples fall off the edge instead of shrinking the data.</param>
    public static void SavePng(Tensor data, string path, Tensor? samples = null, int size = 512, double? extent = null)
    {
        var dataPoints = ToPoints(data, path);
        var samplePoints = samples is null ? null : ToPoints(samples, path);
        if (size < 200) throw new DiffuseException($"{path}: plot size must be at least 200 pixels, got {size}");
        var e = extent ?? DefaultExtent(dataPoints);
        if (!(e > 0) || double.IsInfinity(e)) throw new DiffuseException($"{path}: plot extent must be positive, got {e}");

        using var plot = new Plot();
        plot.Add.HorizontalLine(0, 1, Color.FromSKColor(AxisColor));
        plot.Add.VerticalLine(0, 1, Color.FromSKColor(AxisColor));
        var markerSize = Math.Max(3f, size / 160f);
        Add(plot, dataPoints, DataColor, markerSize, "data");
        if (samplePoints is null) plot.HideLegend();
        else
        {
            Add(plot, samplePoints, SampleColor, markerSize, "samples");
            ShowLegendAbove(plot);
        }
        plot.Axes.SetLimits(-e, e, -e, e);
        // Labels about 40 pixels apart on both axes, so both get the same spacing (left alone, ScottPlot
        // packs the y axis tighter, its labels being lower than they are wide).
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { MinimumTickSpacing = 30 };
        plot.Axes.Left.TickGenerator = new NumericAutomatic { MinimumTickSpacing = 30 };
        plot.Layout.Fixed(Margins);
        PlotPng.Save(plot, path, size, size);
    }

    /// <summary>The legend goes on one line above the data area, where it hides no points.</summary>
    private static void ShowLegendAbove(Plot plot)
    {
        plot.ShowLegend(Edge.Top).Padding = new PixelPadding(0);
        // The unlabelled top axis would otherwise reserve 15 pixels and push the legend off the image.
        plot.Axes.Top.MinimumSize = plot.Axes.Top.MaximumSize = 0;
        var legend = plot.Legend;
        legend.OutlineWidth = 0;
        legend.ShadowColor = Colors.Transparent;
        legend.BackgroundColor = Colors.Transparent;
        // Compact enough for one line above the narrowest plot (200 pixels).
        legend.SymbolWidth = 8;
        legend.SymbolPadding = 4;
        legend.Padding = new PixelPadding(4, 2);
        legend.InterItemPadding = new PixelPadding(6, 6, 0, 0);
    }

    private static void Add(Plot plot, float[] xy, SKColor color, float markerSize, string legend)
    {
        var xs = new List<double>(xy.Length / 2);
        var ys = new List<double>(xy.Length / 2);
        for (var i = 0; i < xy.Length; i += 2)
            if (float.IsFinite(xy[i]) && float.IsFinite(xy[i + 1]))
            {
                xs.Add(xy[i]);
                ys.Add(xy[i + 1]);
            }
        if (xs.Count == 0) return; // ScottPlot cannot draw an empty scatter
        var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), Color.FromSKColor(color));
        points.MarkerSize = markerSize;
        points.LegendText = legend;
    }

    private static double DefaultExtent(float[] xy)
    {
        var largest = xy.Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(0f).Max();
        return largest > 0 ? 1.1 * largest : 1.0;
    }

    private static float[] ToPoints(Tensor points, string path)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new DiffuseException($"{path}: cannot plot points of shape [{string.Join(",", points.shape)}]: expected [N,2]");
        if (points.numel() == 0) return []; // TorchSharp's ToArray fails on an empty tensor
        using var cpu = points.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }
}
