using System.Globalization;

namespace Diffuse.Data;

/// <summary>Tick positions a reader can take in at a glance: 1, 2 and 5 times powers of ten.</summary>
public static class AxisTicks
{
    /// <summary>Evenly spaced ticks inside [lo, hi], about <paramref name="target"/> of them, at a
    /// step of 1, 2 or 5 × 10^k.</summary>
    public static IReadOnlyList<double> Linear(double lo, double hi, int target = 6)
    {
        if (!(hi > lo) || target < 1) return [lo];
        var rough = (hi - lo) / target;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var multiple = new[] { 1.0, 2.0, 5.0, 10.0 }.First(m => m * power >= rough);
        var step = multiple * power;
        // Dividing an integer by 10^j gives the double nearest the decimal (0.7); multiplying by
        // 0.1 does not (0.7000000000000001), and the labels would show it.
        var inversePower = Math.Round(1 / power);
        var ticks = new List<double>();
        for (var k = Math.Ceiling(lo / step); k * step <= hi + step * 1e-9; k++)
            ticks.Add(power < 1 ? k * multiple / inversePower : k * multiple * power);
        return ticks;
    }

    /// <summary>Ticks for a log axis over [lo, hi] (both positive): 1, 2, 5 × 10^k when that gives
    /// at most <paramref name="max"/> ticks, else powers of ten only (thinned further for very wide
    /// ranges); falls back to <see cref="Linear"/> when the range holds fewer than two of them.</summary>
    public static IReadOnlyList<double> Log(double lo, double hi, int max = 8)
    {
        if (!(lo > 0) || !(hi > lo)) return [lo];
        var ticks = new List<double>();
        for (var k = Math.Floor(Math.Log10(lo)); k <= Math.Ceiling(Math.Log10(hi)); k++)
            foreach (var m in new[] { 1.0, 2.0, 5.0 })
            {
                // Parsing "2e-3" gives the double nearest the decimal, where 2 * 10^-3 may not.
                var value = double.Parse(string.Create(CultureInfo.InvariantCulture, $"{m}e{k}"), CultureInfo.InvariantCulture);
                if (value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9)) ticks.Add(value);
            }
        if (ticks.Count > max) ticks = ticks.Where(t => Math.Abs(Math.Log10(t) % 1) < 1e-9).ToList();
        var stride = (ticks.Count + max - 1) / Math.Max(max, 1);
        if (stride > 1) ticks = ticks.Where((_, i) => i % stride == 0).ToList();
        return ticks.Count >= 2 ? ticks : Linear(lo, hi, 4);
    }
}
