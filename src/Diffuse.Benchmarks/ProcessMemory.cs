namespace Diffuse.Benchmarks;

/// <summary>
/// This process's resident memory now and at its peak (VmRSS and VmHWM of /proc/self/status, Linux only). The peak
/// can be reset to the current size (<see cref="ResetPeak"/>), so that it measures one stretch, such as the calls
/// after a model was built, as ../shared/perf/sd15_cpu_bench.py measures PyTorch's.
/// </summary>
public sealed record ProcessMemory(long RssBytes, long PeakRssBytes)
{
    private const string StatusPath = "/proc/self/status";

    /// <summary>Now, or null where /proc/self/status is missing or lacks the fields.</summary>
    public static ProcessMemory? Read() => File.Exists(StatusPath) ? Parse(File.ReadAllText(StatusPath)) : null;

    public static ProcessMemory? Parse(string status)
    {
        long? Kilobytes(string key) => status.Split('\n')
            .Where(line => line.StartsWith(key + ":", StringComparison.Ordinal))
            .Select(line => long.TryParse(line[(key.Length + 1)..].Trim().Split(' ')[0], out long kb) ? kb : (long?)null)
            .FirstOrDefault();
        return Kilobytes("VmRSS") is long rss && Kilobytes("VmHWM") is long hwm ? new ProcessMemory(rss * 1024, hwm * 1024) : null;
    }

    /// <summary>Sets the peak to the current size (Linux ≥ 4.0: "5" written to /proc/self/clear_refs); false where that fails.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
