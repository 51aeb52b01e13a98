using System.Diagnostics;

namespace Diffuse.Benchmarks;

/// <summary>
/// Wall-clock times of repeated calls: median (the mean of the two middle values for an even count,
/// as numpy), extremes, a distribution-free confidence interval of the median, the process CPU time
/// per call (which a busy machine inflates less than the wall clock; it still counts OpenMP threads
/// spinning while they wait for a core), and every call's time in the order they ran.
/// </summary>
public sealed record TimingStats(double MedianMs, double MinMs, double MaxMs, double CpuMedianMs, int Count)
{
    /// <summary>The fewest calls whose median has an order-statistic interval of at least 95 % coverage.</summary>
    public const int FewestForInterval = 6;

    /// <summary>Every timed call's wall-clock milliseconds, in the order the calls ran.</summary>
    public IReadOnlyList<double> WallMs { get; init; } = [];

    /// <summary>Lower end of the median's ≥ 95 % interval (see <see cref="MedianInterval"/>).</summary>
    public double MedianLowMs { get; init; }

    /// <summary>Upper end of the median's ≥ 95 % interval.</summary>
    public double MedianHighMs { get; init; }

    /// <summary>(max − min) / median, in percent: how far apart the repeats were.</summary>
    public double SpreadPercent => MedianMs > 0 ? 100 * (MaxMs - MinMs) / MedianMs : 0;

    /// <summary>Half the width of the median's interval as a percentage of the median.</summary>
    public double MedianIntervalPercent => MedianMs > 0 ? 100 * (MedianHighMs - MedianLowMs) / (2 * MedianMs) : 0;

    public static TimingStats From(IReadOnlyList<double> wallMs, IReadOnlyList<double> cpuMs)
    {
        if (wallMs.Count == 0) throw new ArgumentException("no timings", nameof(wallMs));
        var (low, high) = MedianInterval(wallMs);
        return new TimingStats(Median(wallMs), wallMs.Min(), wallMs.Max(), cpuMs.Count > 0 ? Median(cpuMs) : double.NaN, wallMs.Count)
        {
            WallMs = wallMs.ToArray(), MedianLowMs = low, MedianHighMs = high,
        };
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// The order-statistic interval [x₍ₗ₎, x₍ₙ₊₁₋ₗ₎] of the median with the largest l whose coverage,
    /// 1 − 2·P(Binomial(n, ½) &lt; l), is at least 95 % (Conover, Practical Nonparametric Statistics,
    /// 3.2); it assumes nothing about the distribution of the times. Below 6 calls no such l exists and
    /// the interval is [min, max].
    /// </summary>
    public static (double Low, double High) MedianInterval(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length, l = 1;
        while (l + 1 <= (n + 1) / 2 && 1 - 2 * BinomialHalfCdf(n, l) >= 0.95) l++;
        return (sorted[l - 1], sorted[n - l]);
    }

    /// <summary>P(Binomial(n, ½) ≤ k), summed in log space so that large n does not overflow.</summary>
    private static double BinomialHalfCdf(int n, int k)
    {
        double sum = 0, logChoose = 0;                               // log C(n, 0)
        for (int i = 0; i <= k; i++)
        {
            if (i > 0) logChoose += Math.Log(n - i + 1) - Math.Log(i);
            sum += Math.Exp(logChoose - n * Math.Log(2));
        }
        return sum;
    }

    /// <summary>Runs <paramref name="call"/> <paramref name="warmups"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static TimingStats Measure(int warmups, int repeats, Action call)
    {
        for (int i = 0; i < warmups; i++) call();
        var wall = new List<double>(repeats);
        var cpu = new List<double>(repeats);
        for (int i = 0; i < repeats; i++)
        {
            var (w, c) = TimeOnce(call);
            wall.Add(w);
            cpu.Add(c);
        }
        return From(wall, cpu);
    }

    /// <summary>One call's wall-clock and process CPU milliseconds.</summary>
    public static (double WallMs, double CpuMs) TimeOnce(Action call)
    {
        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        call();
        double wall = clock.Elapsed.TotalMilliseconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpuStart).TotalMilliseconds);
    }
}
