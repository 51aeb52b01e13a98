using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Diffuse.Plots;

/// <summary>
/// Ticks for an axis whose coordinates are log10 of the values (ScottPlot 5 has no log axis, so a plot
/// draws log10(y) and this labels it): major ticks at m × 10^k labelled with the value itself (0.01,
/// 0.02, 0.05, 0.1), with the densest set of mantissas m that keeps neighbouring labels apart, and
/// minor ticks at the other integers × 10^k.
/// </summary>
public sealed class LogTickGenerator : ITickGenerator
{
    // From dense to sparse; the closest pair in each set is 9→10, 5→6, 2→3, 1→2 (and 5→10), 1→10.
    private static readonly int[][] MantissaSets =
        [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 8], [1, 2, 3, 5], [1, 2, 5], [1]];
    private static readonly int[] AllMantissas = MantissaSets[0];

    public Tick[] Ticks { get; private set; } = [];

    public int MaxTickCount { get; set; } = 1000;

    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        Ticks = Generate(range.Min, range.Max, size.Length, minSpacing: 2 * labelStyle.FontSize);

    /// <summary>Ticks between log10 coordinates <paramref name="lo"/> and <paramref name="hi"/> on an
    /// axis <paramref name="pixels"/> long, major ticks at least <paramref name="minSpacing"/> pixels
    /// apart. When fewer than two m × 10^k fit (a range narrower than one step between mantissas), the
    /// major ticks are evenly spaced values instead, as on a linear axis.</summary>
    public static Tick[] Generate(double lo, double hi, double pixels, double minSpacing)
    {
        if (!(hi > lo) || !(pixels > 0) || !double.IsFinite(hi - lo)) return [];
        var pixelsPerDecade = pixels / (hi - lo);
        var set = MantissaSets.FirstOrDefault(s => ClosestGap(s) * pixelsPerDecade >= minSpacing);
        // Too many decades for even one label each: label every stride-th decade.
        var stride = set is null ? (int)Math.Ceiling(minSpacing / pixelsPerDecade) : 1;
        var majors = Values(lo, hi, set ?? [1])
            .Where(v => set is not null || Math.Round(Math.Log10(v)) % stride == 0)
            .Select(v => Tick.Major(Math.Log10(v), Label(v)))
            .ToList();
        if (majors.Count < 2) majors = LinearMajors(lo, hi, pixels, minSpacing);
        // Minor ticks only where they stay a few pixels apart (9→10 is the closest pair).
        var minors = ClosestGap(AllMantissas) * pixelsPerDecade >= 3
            ? Values(lo, hi, AllMantissas).Select(v => Math.Log10(v))
                .Where(p => majors.All(t => Math.Abs(t.Position - p) > 1e-9)).Select(Tick.Minor)
            : [];
        return [.. majors, .. minors];
    }

    /// <summary>m × 10^k inside [10^lo, 10^hi], each the double nearest its decimal, so labels read
    /// "0.3" rather than "0.30000000000000004".</summary>
    private static IEnumerable<double> Values(double lo, double hi, int[] mantissas)
    {
        const double slack = 1e-9;
        for (var k = (int)Math.Floor(lo) - 1; k <= (int)Math.Ceiling(hi); k++)
            foreach (var m in mantissas)
            {
                var value = double.Parse(string.Create(CultureInfo.InvariantCulture, $"{m}e{k}"), CultureInfo.InvariantCulture);
                var position = Math.Log10(value);
                if (position >= lo - slack && position <= hi + slack) yield return value;
            }
    }

    /// <summary>"0.0001" and "20000" as written; beyond, "1e-8" and "2e+6" rather than .NET's "1E-08".</summary>
    private static string Label(double value) => value is >= 1e-4 and < 1e6
        ? value.ToString(CultureInfo.InvariantCulture)
        : value.ToString("0.##e+0", CultureInfo.InvariantCulture);

    /// <summary>Evenly spaced values (ScottPlot's decimal spacing) for a range too narrow for m × 10^k.</summary>
    private static List<Tick> LinearMajors(double lo, double hi, double pixels, double minSpacing)
    {
        var range = new CoordinateRange(Math.Pow(10, lo), Math.Pow(10, hi));
        return new DecimalTickSpacingCalculator()
            .GenerateTickPositions(range, new PixelLength((float)pixels), new PixelLength((float)minSpacing))
            .Where(v => v > 0 && range.Contains(v))
            .Select(v => Tick.Major(Math.Log10(v), v.ToString("G6", CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Closest pair of neighbouring ticks in decades, counting the last mantissa to the next 10^k.</summary>
    private static double ClosestGap(int[] mantissas) =>
        mantissas.Zip(mantissas.Skip(1).Append(10), (a, b) => Math.Log10((double)b / a)).Min();
}
