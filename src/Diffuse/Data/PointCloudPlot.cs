using SkiaSharp;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Scatter plot of 2-D points as PNG: the training data in grey and, on top, model samples in
/// orange, the quickest check of a sampler on a toy set.
/// </summary>
public static class PointCloudPlot
{
    public static readonly SKColor DataColor = new(150, 150, 150);
    public static readonly SKColor SampleColor = new(230, 100, 20);
    public static readonly SKColor AxisColor = new(215, 215, 215);

    /// <param name="data">[N,2] points drawn in <see cref="DataColor"/>.</param>
    /// <param name="samples">optional [M,2] points drawn over them in <see cref="SampleColor"/>.</param>
    /// <param name="size">width and height in pixels.</param>
    /// <param name="extent">the plot shows [−extent, extent] on both axes; by default 1.1 times the
    /// largest finite |coordinate| of <paramref name="data"/>, so plots across training share axes and
    /// diverging samples fall off the edge instead of shrinking the data.</param>
    public static void SavePng(Tensor data, string path, Tensor? samples = null, int size = 512, double? extent = null)
    {
        var dataPoints = ToPoints(data, path);
        var samplePoints = samples is null ? [] : ToPoints(samples, path);
        if (size < 16) throw new DiffuseException($"{path}: plot size must be at least 16 pixels, got {size}");
        var e = extent ?? DefaultExtent(dataPoints);
        if (!(e > 0) || double.IsInfinity(e)) throw new DiffuseException($"{path}: plot extent must be positive, got {e}");

        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var axis = new SKPaint { Color = AxisColor, StrokeWidth = 1 };
            canvas.DrawLine(0, size / 2f, size, size / 2f, axis);
            canvas.DrawLine(size / 2f, 0, size / 2f, size, axis);
            Draw(canvas, dataPoints, DataColor, size, e);
            Draw(canvas, samplePoints, SampleColor, size, e);
        }
        PngFile.Save(bitmap, path);
    }

    private static void Draw(SKCanvas canvas, float[] xy, SKColor color, int size, double extent)
    {
        var scale = size / (2 * extent);
        var points = new List<SKPoint>(xy.Length / 2);
        for (var i = 0; i < xy.Length; i += 2)
            if (float.IsFinite(xy[i]) && float.IsFinite(xy[i + 1]))
                points.Add(new SKPoint((float)((xy[i] + extent) * scale), (float)((extent - xy[i + 1]) * scale)));
        using var paint = new SKPaint
        {
            Color = color, StrokeWidth = Math.Max(2f, size / 200f), StrokeCap = SKStrokeCap.Round, IsAntialias = true,
        };
        canvas.DrawPoints(SKPointMode.Points, points.ToArray(), paint);
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
        using var cpu = points.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }
}
