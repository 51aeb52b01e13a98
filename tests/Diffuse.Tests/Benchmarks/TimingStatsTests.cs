using Diffuse.Benchmarks;

namespace Diffuse.Tests.Benchmarks;

public sealed class TimingStatsTests
{
    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two_as_numpy()
    {
        var stats = TimingStats.From([40, 10, 30, 20], [4, 1, 3, 2]);
        Assert.Equal(25, stats.MedianMs);
        Assert.Equal(10, stats.MinMs);
        Assert.Equal(40, stats.MaxMs);
        Assert.Equal(2.5, stats.CpuMedianMs);
        Assert.Equal(120, stats.SpreadPercent, 9);                    // (40 − 10) / 25
    }

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value() => Assert.Equal(7, TimingStats.Median([9, 7, 1]));

    [Fact]
    public void Measure_runs_the_warmups_untimed_and_times_each_repeat()
    {
        int calls = 0;
        var stats = TimingStats.Measure(warmups: 2, repeats: 3, () => { calls++; Thread.Sleep(20); });
        Assert.Equal(5, calls);
        Assert.Equal(3, stats.Count);
        Assert.InRange(stats.MinMs, 19, 2000);
    }
}
