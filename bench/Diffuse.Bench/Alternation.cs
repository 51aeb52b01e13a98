using Diffuse.Benchmarks;

namespace Diffuse.Bench;

/// <summary>
/// Times two variants of the same work side by side in one process: after the warm-ups they run in
/// alternating order (A B, B A, A B, ...), so a change of machine load during the run falls on both
/// alike, and the ratio of their medians is the before/after speed-up.
/// </summary>
public static class Alternation
{
    public sealed record Result(string Comparison, string Workload, string Before, string After,
                                TimingStats BeforeTimes, TimingStats AfterTimes)
    {
        /// <summary>Before ÷ after of the wall-clock medians: above 1, the new setting is faster.</summary>
        public double Speedup => BeforeTimes.MedianMs / AfterTimes.MedianMs;

        /// <summary>The same ratio of process CPU time per call.</summary>
        public double CpuSpeedup => BeforeTimes.CpuMedianMs / AfterTimes.CpuMedianMs;
    }

    public static Result Run(string comparison, string workload, string before, string after, int warmups, int rounds,
                             Action runBefore, Action runAfter)
    {
        for (int i = 0; i < warmups; i++)
        {
            runBefore();
            runAfter();
        }
        var (bw, bc, aw, ac) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            void Time(Action run, List<double> wall, List<double> cpu)
            {
                var one = TimingStats.Measure(0, 1, run);
                wall.Add(one.MedianMs);
                cpu.Add(one.CpuMedianMs);
            }
            if (r % 2 == 0) { Time(runBefore, bw, bc); Time(runAfter, aw, ac); }
            else { Time(runAfter, aw, ac); Time(runBefore, bw, bc); }
        }
        return new Result(comparison, workload, before, after, TimingStats.From(bw, bc), TimingStats.From(aw, ac));
    }
}
