using System.Diagnostics;
using System.Globalization;
using Diffuse.Benchmarks;

namespace Diffuse.Bench;

/// <summary>
/// How the time of the same call drifts over minutes: calls the chosen pieces of <c>diffuse bench</c>
/// round after round for a while and prints every call's wall-clock, user and system CPU milliseconds
/// and the minor page faults it caused, so a slow stretch can be told apart from the process's own
/// doing (page faults, system time) and from the machine's (the same work, more user time).
/// </summary>
public static class Drift
{
    public static void Run(double seconds, IReadOnlyList<string> cases, IReadOnlyList<string> parts, int batch, TextWriter output)
    {
        var works = new List<BenchWork>();
        try
        {
            foreach (var name in cases)
            {
                var bench = BenchCases.Get(name);
                if (parts.Contains("train")) works.Add(BenchRunner.TrainStep(bench, batch));
                if (parts.Contains("forward")) works.Add(UNetSpeed.Forward(name, bench.Config, batch));
            }
            foreach (var work in works) work.Run();
            output.WriteLine("seconds\tcase\tpart\twall_ms\tuser_ms\tsys_ms\tminor_faults");
            var clock = Stopwatch.StartNew();
            using var process = Process.GetCurrentProcess();
            while (clock.Elapsed.TotalSeconds < seconds)
                foreach (var work in works)
                {
                    process.Refresh();
                    var (user, sys, faults) = (process.UserProcessorTime, process.PrivilegedProcessorTime, MinorFaults());
                    double start = clock.Elapsed.TotalMilliseconds;
                    work.Run();
                    double wall = clock.Elapsed.TotalMilliseconds - start;
                    process.Refresh();
                    output.WriteLine(string.Join('\t', (start / 1000).ToString("F1", CultureInfo.InvariantCulture), work.Case, work.Part,
                        wall.ToString("F1", CultureInfo.InvariantCulture),
                        (process.UserProcessorTime - user).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture),
                        (process.PrivilegedProcessorTime - sys).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture),
                        MinorFaults() - faults));
                    output.Flush();
                }
        }
        finally
        {
            foreach (var work in works) work.Dispose();
        }
    }

    /// <summary>Field 10 of /proc/self/stat (minflt), counted after the command name's closing parenthesis.</summary>
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
