using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Diffuse.Plots;

/// <summary>
/// Training-loss curve as PNG: raw losses as a faint line, an exponential moving average over them
/// as a bold one, on a log-scale y axis because diffusion losses fall over orders of magnitude
/// early and then creep.
/// </summary>
public static class LossPlot
{
    public static readonly SKColor RawColor = new(170, 200, 235);
    public static readonly SKColor SmoothColor = new(20, 80, 170);

    /// <param name="points">(step, loss) in step order; non-finite and non-positive losses are
    /// skipped (a log axis cannot show them).</param>
    /// <param name="smoothing">EMA factor in [0, 1), as TensorBoard's smoothing slider.</param>
    public static void SavePng(IReadOnlyList<(long Step, double Loss)> points, string path,
        int width = 800, int height = 400, double smoothing = 0.9)
    {
        if (width < 200 || height < 120)
            throw new DiffuseException($"{path}: loss plot must be at least 200x120 pixels, got {width}x{height}");
        if (!(smoothing >= 0 && smoothing < 1))
            throw new DiffuseException($"{path}: smoothing must be in [0, 1), got {smoothing}");
        var kept = points.Where(p => double.IsFinite(p.Loss) && p.Loss > 0).ToList();

        using var plot = new Plot();
        if (kept.Count == 0) ShowNoLosses(plot);
        else AddCurves(plot, kept, smoothing);
        // ScottPlot 5 has no log axis: the curves are drawn as log10(loss) and the ticks say the loss.
        plot.Axes.Left.TickGenerator = new LogTickGenerator();
        var lastStep = kept.Count == 0 ? 0 : kept.Max(p => p.Step);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { LabelFormatter = StepLabels(lastStep), IntegerTicksOnly = true };
        plot.XLabel("step", size: 14);
        plot.YLabel("loss", size: 14);
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.12);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.04);
        // Minor grid lines only across: they mark 2, 3, ... 9 × 10^k, the look of log paper.
        plot.Grid.YAxisStyle.MinorLineStyle.Width = 1;
        PlotPng.Save(plot, path, width, height);
    }

    /// <summary>Bias-corrected exponential moving average (Adam's correction; TensorBoard's
    /// smoothing): early values are not dragged towards zero by the empty start.</summary>
    public static double[] Ema(IReadOnlyList<double> values, double smoothing)
    {
        var result = new double[values.Count];
        double ema = 0, weight = 1;
        for (var i = 0; i < values.Count; i++)
        {
            ema = smoothing * ema + (1 - smoothing) * values[i];
            weight *= smoothing;
            result[i] = ema / (1 - weight);
        }
        return result;
    }

    private static void AddCurves(Plot plot, List<(long Step, double Loss)> points, double smoothing)
    {
        var steps = points.Select(p => (double)p.Step).ToArray();
        var losses = points.Select(p => p.Loss).ToArray();
        var raw = plot.Add.ScatterLine(steps, losses.Select(Math.Log10).ToArray(), Color.FromSKColor(RawColor));
        raw.LineWidth = 1;
        raw.LegendText = "loss";
        var smooth = plot.Add.ScatterLine(steps, Ema(losses, smoothing).Select(Math.Log10).ToArray(), Color.FromSKColor(SmoothColor));
        smooth.LineWidth = 2.5f;
        smooth.LegendText = string.Create(CultureInfo.InvariantCulture, $"EMA {smoothing:0.###}");
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.OutlineColor = Colors.Black.WithOpacity(0.3);

        double x0 = steps.Min(), x1 = steps.Max();
        if (x1 == x0) (x0, x1) = (x0 - 1, x1 + 1);
        double y0 = Math.Log10(losses.Min()), y1 = Math.Log10(losses.Max());
        var pad = Math.Max(0.05 * (y1 - y0), 0.05);
        plot.Axes.SetLimits(x0, x1, y0 - pad, y1 + pad);
    }

    private static void ShowNoLosses(Plot plot)
    {
        var note = plot.Add.Annotation("no finite positive losses yet", Alignment.MiddleCenter);
        note.LabelBackgroundColor = Colors.White;
        note.LabelBorderColor = Colors.Transparent;
        note.LabelShadowColor = Colors.Transparent;
        note.LabelFontName = PlotFonts.Name;
        plot.Axes.SetLimits(0, 1, -2, 0);
    }

    /// <summary>Step labels in one unit for the whole axis, chosen by its largest step: "2000", "4000"
    /// below 10,000; "2k", "20k" below a million; "1.5M" beyond, so labels stay short.</summary>
    private static Func<double, string> StepLabels(long largest)
    {
        var (divisor, unit) = largest switch { >= 1_000_000 => (1e6, "M"), >= 10_000 => (1e3, "k"), _ => (1.0, "") };
        return step => step == 0 ? "0" : (step / divisor).ToString("0.##", CultureInfo.InvariantCulture) + unit;
    }
}
