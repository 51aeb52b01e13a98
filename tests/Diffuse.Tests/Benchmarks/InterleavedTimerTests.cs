using Diffuse.Benchmarks;

namespace Diffuse.Tests.Benchmarks;

public sealed class InterleavedTimerTests
{
    private static BenchWork Work(string name, List<string> log, int warmups, int min, int max, int sleepMs = 0) =>
        new BenchWork(name, "part", () =>
        {
            log.Add(name);
            if (sleepMs > 0) Thread.Sleep(sleepMs);
        }).With(warmups, (min, max));

    [Fact]
    public void Warmups_come_first_then_one_call_of_each_piece_a_round_in_rotated_order()
    {
        var log = new List<string>();
        var works = new[] { Work("a", log, 1, 3, 3), Work("b", log, 2, 3, 3), Work("c", log, 0, 3, 3) };
        var times = InterleavedTimer.Run(works, TimeSpan.FromHours(1), targetPercent: 1e-9, TimeSpan.Zero);
        Assert.Equal(["a", "b", "b", "a", "b", "c", "b", "c", "a", "c", "a", "b"], log);
        Assert.All(times, t => Assert.Equal(3, t.Count));
    }

    [Fact]
    public void A_piece_whose_median_is_known_well_enough_stops_at_its_minimum_while_another_runs_to_its_maximum()
    {
        var log = new List<string>();
        // A target of 1000 % is met by any 6 calls; one of 1e-9 % never is (no two sleeps take the same nanoseconds).
        var settled = InterleavedTimer.Run([Work("settled", log, 0, 6, 20, 1)], TimeSpan.FromHours(1), targetPercent: 1000, TimeSpan.Zero);
        var unsettled = InterleavedTimer.Run([Work("unsettled", log, 0, 6, 20, 1)], TimeSpan.FromHours(1), targetPercent: 1e-9, TimeSpan.Zero);
        Assert.Equal(6, settled[0].Count);
        Assert.Equal(20, unsettled[0].Count);
    }

    [Fact]
    public void After_the_budget_pieces_stop_at_their_minimum()
    {
        var log = new List<string>();
        var times = InterleavedTimer.Run([Work("a", log, 0, 4, 1000, 1), Work("b", log, 0, 2, 1000, 1)], TimeSpan.Zero, targetPercent: 1e-9, TimeSpan.Zero);
        Assert.Equal([4, 2], times.Select(t => t.Count));
    }

    [Fact]
    public void A_short_piece_gets_as_many_calls_a_turn_as_fit_in_the_slice()
    {
        var log = new List<string>();
        // After its first call (no estimate yet), a ~1 ms piece fits many calls into a 60 ms turn; a 30 ms one, one or two.
        var times = InterleavedTimer.Run([Work("short", log, 0, 1, 30, 1), Work("long", log, 0, 3, 3, 30)], TimeSpan.FromHours(1),
                                         targetPercent: 1e-9, TimeSpan.FromMilliseconds(60));
        Assert.Equal(["short", "long"], log.Take(2));
        Assert.True(log.Skip(2).TakeWhile(name => name == "long").Count() <= 2, string.Join(",", log));
        int secondTurn = log.Skip(2).SkipWhile(name => name == "long").TakeWhile(name => name == "short").Count();
        Assert.True(secondTurn >= 2, string.Join(",", log));
        Assert.Equal([30, 3], times.Select(t => t.Count));
    }
}
