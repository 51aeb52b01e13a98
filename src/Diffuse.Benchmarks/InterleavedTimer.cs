using System.Diagnostics;

namespace Diffuse.Benchmarks;

/// <summary>
/// Times several pieces of work in rounds instead of all calls of one piece in a block. A piece's turn
/// is one call, or as many calls as fit in the slice for pieces shorter than that (so a 0.2 s forward
/// pass gets as many chances at a quiet moment as a 1 s one); the order rotates a place each round.
/// The virtual machine here has stretches of a minute or more in which everything runs 10–40 % slower
/// (docs/benchmarks.md, "Stability between runs"); timed in blocks, whichever case falls in such a
/// stretch reports it as its own speed, while in rounds every case gets its share of slow and fast
/// stretches alike.
/// A piece stops taking part once it has its <see cref="BenchWork.MinRepeats"/>, at least 6 calls and
/// its median's 95 % interval within ± the target percentage of the median, or at its
/// <see cref="BenchWork.MaxRepeats"/>; once the budget of timed rounds is spent, the rest stop as soon
/// as they have their minimum.
/// </summary>
public static class InterleavedTimer
{
    /// <param name="onCall">told each call before it runs: the work, and whether it is a warm-up.</param>
    public static IReadOnlyList<TimingStats> Run(IReadOnlyList<BenchWork> works, TimeSpan budget, double targetPercent,
                                                 TimeSpan slice, Action<BenchWork, bool>? onCall = null)
    {
        foreach (var work in works)
            for (int i = 0; i < work.Warmups; i++)
            {
                onCall?.Invoke(work, true);
                work.Run();
            }

        var wall = works.Select(_ => new List<double>()).ToArray();
        var cpu = works.Select(_ => new List<double>()).ToArray();
        var clock = Stopwatch.StartNew();
        bool Wanted(int i)
        {
            int n = wall[i].Count;
            if (n < works[i].MinRepeats) return true;
            if (n >= works[i].MaxRepeats || clock.Elapsed >= budget) return false;
            // Below 6 calls there is no 95 % interval to meet the target with.
            return n < TimingStats.FewestForInterval || TimingStats.From(wall[i], cpu[i]).MedianIntervalPercent > targetPercent;
        }

        for (int round = 0; ; round++)
        {
            var wanted = Enumerable.Range(0, works.Count).Where(Wanted).ToArray();
            if (wanted.Length == 0) break;
            for (int k = 0; k < wanted.Length; k++)
            {
                int i = wanted[(k + round) % wanted.Length];
                int calls = wall[i].Count == 0 ? 1 : Math.Max(1, (int)Math.Round(slice.TotalMilliseconds / TimingStats.Median(wall[i])));
                for (int call = 0; call < calls && wall[i].Count < works[i].MaxRepeats; call++)
                {
                    onCall?.Invoke(works[i], false);
                    var (w, c) = TimingStats.TimeOnce(works[i].Run);
                    wall[i].Add(w);
                    cpu[i].Add(c);
                }
            }
        }
        return works.Select((_, i) => TimingStats.From(wall[i], cpu[i])).ToArray();
    }
}
