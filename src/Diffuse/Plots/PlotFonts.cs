using ScottPlot;

namespace Diffuse.Plots;

/// <summary>
/// All plot text is drawn in DejaVu Sans shipped inside this assembly. SkiaSharp's Linux build without
/// dependencies (no fontconfig) sees only the files under /usr/share/fonts, and a clean Debian 12 has
/// none: ScottPlot's default font then resolves to an empty typeface and every label and tick
/// vanishes. Shipping the font also makes plots look the same on every machine.
/// </summary>
internal static class PlotFonts
{
    /// <summary>A name no system font has, so the embedded resolver answers only for our plots and other
    /// ScottPlot users in the process keep their fonts.</summary>
    public const string Name = "Diffuse DejaVu Sans";

    static PlotFonts()
    {
        lock (Fonts.FontResolvers) Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
    }

    /// <summary>Points the title, axis labels, tick labels and legend of <paramref name="plot"/> at
    /// the embedded font.</summary>
    public static void Apply(Plot plot)
    {
        Use(plot.Axes.Title.Label);
        foreach (var axis in plot.Axes.GetAxes())
        {
            Use(axis.Label);
            Use(axis.TickLabelStyle);
        }
        plot.Legend.FontName = Name;
    }

    public static void Use(LabelStyle label)
    {
        // A typeface set here wins over the name (and over Bold), so clear it.
        label.Font = null;
        label.FontName = Name;
    }
}
