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

    [Fact]
    public void The_median_interval_of_ten_calls_is_the_second_to_ninth_order_statistic()
    {
        // Binomial(10, ½): P(B ≤ 1) = 11/1024, so [x₍₂₎, x₍₉₎] covers 1 − 22/1024 = 97.9 %; [x₍₃₎, x₍₈₎] only 89.1 %.
        var (low, high) = TimingStats.MedianInterval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        Assert.Equal((2.0, 9.0), (low, high));
        var stats = TimingStats.From([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], []);
        Assert.Equal(100 * (9 - 2) / (2 * 5.5), stats.MedianIntervalPercent, 9);
        Assert.Equal([10.0, 1, 9, 2, 8, 3, 7, 4, 6, 5], stats.WallMs);   // in the order they ran
    }

    [Theory]
    [InlineData(5, 1)]     // P(B ≤ 0) = 1/32: [min, max] covers only 93.8 %, the widest there is
    [InlineData(6, 1)]     // 1 − 2/64 = 96.9 %
    [InlineData(17, 5)]    // P(B ≤ 4) = 3214/131072: 1 − 2·0.0245 = 95.1 %; l = 6 would give 85.7 %
    [InlineData(40, 14)]   // P(B ≤ 13) = 0.0192: 96.2 %; P(B ≤ 14) = 0.0403 would give 91.9 %
    public void The_median_interval_takes_the_narrowest_order_statistics_with_95_percent_coverage(int n, int l)
    {
        var values = Enumerable.Range(1, n).Select(i => (double)i).Reverse().ToArray();
        Assert.Equal(((double)l, (double)(n + 1 - l)), TimingStats.MedianInterval(values));
    }
}
