using System.Globalization;
using SkiaSharp;

namespace Diffuse.Data;

/// <summary>
/// Training-loss curve as PNG: raw losses as a faint line, an exponential moving average over them
/// as a bold one, on a log-scale y axis because diffusion losses fall over orders of magnitude
/// early and then creep.
/// </summary>
public static class LossPlot
{
    public static readonly SKColor RawColor = new(170, 200, 235);
    public static readonly SKColor SmoothColor = new(20, 80, 170);

    private const float Left = 64, Right = 16, Top = 16, Bottom = 36;

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

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(SKTypeface.Default, 12))
        using (var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            var plot = new SKRect(Left, Top, width - Right, height - Bottom);
            if (kept.Count == 0)
                canvas.DrawText("no finite positive losses yet", plot.MidX, plot.MidY, SKTextAlign.Center, font, ink);
            else
                DrawCurves(canvas, plot, kept, smoothing, font, ink);
            using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            canvas.DrawRect(plot, frame);
            canvas.DrawText("step", plot.MidX, height - 4, SKTextAlign.Center, font, ink);
            canvas.DrawText("loss (log scale)", Left, Top - 4, SKTextAlign.Left, font, ink);
        }
        PngFile.Save(bitmap, path);
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

    private static void DrawCurves(SKCanvas canvas, SKRect plot, List<(long Step, double Loss)> points,
        double smoothing, SKFont font, SKPaint ink)
    {
        double x0 = points.Min(p => p.Step), x1 = points.Max(p => p.Step);
        if (x1 == x0) { x0 -= 1; x1 += 1; }
        double y0 = Math.Log10(points.Min(p => p.Loss)), y1 = Math.Log10(points.Max(p => p.Loss));
        var pad = Math.Max(0.05 * (y1 - y0), 0.05);
        y0 -= pad;
        y1 += pad;
        float X(double step) => plot.Left + (float)((step - x0) / (x1 - x0)) * plot.Width;
        float Y(double loss) => plot.Bottom - (float)((Math.Log10(loss) - y0) / (y1 - y0)) * plot.Height;

        using var grid = new SKPaint { Color = new SKColor(230, 230, 230), StrokeWidth = 1 };
        foreach (var tick in AxisTicks.Log(Math.Pow(10, y0), Math.Pow(10, y1)))
        {
            canvas.DrawLine(plot.Left, Y(tick), plot.Right, Y(tick), grid);
            canvas.DrawText(tick.ToString("G3", CultureInfo.InvariantCulture), plot.Left - 4, Y(tick) + 4,
                SKTextAlign.Right, font, ink);
        }
        foreach (var tick in AxisTicks.Linear(x0, x1))
        {
            canvas.DrawLine(X(tick), plot.Top, X(tick), plot.Bottom, grid);
            canvas.DrawText(StepLabel(tick), X(tick), plot.Bottom + 16, SKTextAlign.Center, font, ink);
        }

        var smooth = Ema(points.Select(p => p.Loss).ToList(), smoothing);
        canvas.Save();
        canvas.ClipRect(plot);
        DrawLine(canvas, points.Select(p => new SKPoint(X(p.Step), Y(p.Loss))), RawColor, 1);
        DrawLine(canvas, points.Select((p, i) => new SKPoint(X(p.Step), Y(smooth[i]))), SmoothColor, 2.5f);
        canvas.Restore();
    }

    private static void DrawLine(SKCanvas canvas, IEnumerable<SKPoint> points, SKColor color, float width)
    {
        using var path = new SKPath();
        path.AddPoly(points.ToArray(), close: false);
        using var paint = new SKPaint
        {
            Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true,
            StrokeJoin = SKStrokeJoin.Round,
        };
        canvas.DrawPath(path, paint);
    }

    /// <summary>12000 → "12k", 1500000 → "1.5M": step counts stay short under the axis.</summary>
    private static string StepLabel(double step) => Math.Abs(step) switch
    {
        >= 1e6 => (step / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (step / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => step.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
