using System.Diagnostics;

namespace Diffuse.Benchmarks;

/// <summary>
/// Wall-clock times of repeated calls: median (the mean of the two middle values for an even count,
/// as numpy), extremes, and the process CPU time per call, which a busy machine inflates less than
/// the wall clock (it still counts OpenMP threads spinning while they wait for a core).
/// </summary>
public sealed record TimingStats(double MedianMs, double MinMs, double MaxMs, double CpuMedianMs, int Count)
{
    /// <summary>(max − min) / median, in percent: how far apart the repeats were.</summary>
    public double SpreadPercent => MedianMs > 0 ? 100 * (MaxMs - MinMs) / MedianMs : 0;

    public static TimingStats From(IReadOnlyList<double> wallMs, IReadOnlyList<double> cpuMs)
    {
        if (wallMs.Count == 0) throw new ArgumentException("no timings", nameof(wallMs));
        return new TimingStats(Median(wallMs), wallMs.Min(), wallMs.Max(), cpuMs.Count > 0 ? Median(cpuMs) : double.NaN, wallMs.Count);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Runs <paramref name="call"/> <paramref name="warmups"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static TimingStats Measure(int warmups, int repeats, Action call)
    {
        for (int i = 0; i < warmups; i++) call();
        var wall = new List<double>(repeats);
        var cpu = new List<double>(repeats);
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            call();
            wall.Add(clock.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuStart).TotalMilliseconds);
        }
        return From(wall, cpu);
    }
}
