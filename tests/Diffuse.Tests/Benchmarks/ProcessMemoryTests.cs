using Diffuse.Benchmarks;

namespace Diffuse.Tests.Benchmarks;

public sealed class ProcessMemoryTests
{
    [Fact]
    public void Resident_and_peak_sizes_are_read_from_proc_status_in_bytes()
    {
        const string status = "Name:\tdiffuse\nVmPeak:\t 9000 kB\nVmHWM:\t  4096 kB\nVmRSS:\t  2048 kB\nThreads:\t4\n";
        Assert.Equal(new ProcessMemory(2048 * 1024, 4096 * 1024), ProcessMemory.Parse(status));
        Assert.Null(ProcessMemory.Parse("Name:\tdiffuse\n"));
    }

    [Fact]
    public void On_Linux_the_peak_can_be_reset()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Other tests allocate meanwhile, so only the invariant is checked, not that the peak went down.
        Assert.True(ProcessMemory.ResetPeak());
        var after = ProcessMemory.Read()!;
        Assert.True(after.PeakRssBytes >= after.RssBytes && after.RssBytes > 0);
    }
}
