using ScottPlot;
using SkiaSharp;

namespace Diffuse.Plots;

/// <summary>Answers ScottPlot's requests for <see cref="PlotFonts.Name"/> with the DejaVu Sans faces
/// shipped inside this assembly (Plots/Fonts), regular or bold; every other name is left to the
/// resolvers after it.</summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    private static readonly SKTypeface Regular = Load("DejaVuSans.ttf");
    private static readonly SKTypeface Bold = Load("DejaVuSans-Bold.ttf");

    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        fontName == PlotFonts.Name ? weight >= FontWeight.SemiBold ? Bold : Regular : null;

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);

    private static SKTypeface Load(string file)
    {
        var resource = "Diffuse.Plots.Fonts." + file;
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream(resource)
            ?? throw new DiffuseException($"embedded font {resource} is missing from this build");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new DiffuseException($"embedded font {resource} is not a readable font");
    }
}
