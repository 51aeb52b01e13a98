using Diffuse.Formats;
using ScottPlot;

namespace Diffuse.Plots;

/// <summary>Renders a plot with the embedded font and writes it as PNG atomically, so a viewer
/// polling the file while training runs never opens half an image.</summary>
internal static class PlotPng
{
    public static void Save(Plot plot, string path, int width, int height)
    {
        PlotFonts.Apply(plot);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
