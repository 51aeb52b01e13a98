using System.Diagnostics;
using System.Text.Json;
using Diffuse.Benchmarks;
using Diffuse.Formats;

namespace Diffuse.Bench;

/// <summary>
/// Settings that a process reads once at start (OpenMP's wait policy, glibc's malloc options) are
/// compared across processes: <c>diffuse bench</c> on one preset, run alternately with the "before" and
/// the "after" environment, several rounds, so a change of machine speed falls on both alike.
/// </summary>
public static class ProcessAlternation
{
    public sealed record Setting(string Name, IReadOnlyDictionary<string, string> Environment);

    public sealed record Row(string Setting, int Round, double TrainMs, double TrainCpuMs, double ForwardMs, double ForwardCpuMs,
                             double ProcessSeconds, long PeakRssKb);

    /// <summary>OMP_WAIT_POLICY=ACTIVE (libgomp's spinning) before, PASSIVE (what the CLI asks for) after.</summary>
    public static (Setting Before, Setting After) WaitPolicy { get; } =
        (new("ACTIVE", new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "ACTIVE" }),
         new("PASSIVE", new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "PASSIVE" }));

    /// <summary>glibc's own malloc behaviour before, the CLI's (no mmap, no trimming) after.</summary>
    public static (Setting Before, Setting After) Malloc { get; } =
        (new("glibc default", new Dictionary<string, string> { ["DIFFUSE_MALLOC"] = "default" }),
         new("keep freed memory", new Dictionary<string, string>()));

    public static IReadOnlyList<Row> Run(string cliDll, string preset, int rounds, Setting before, Setting after)
    {
        var rows = new List<Row>();
        var json = Path.Combine(Path.GetTempPath(), $"alternation-{Environment.ProcessId}.json");
        for (int r = 0; r < rounds; r++)
            foreach (var setting in r % 2 == 0 ? new[] { before, after } : [after, before])
            {
                var start = new ProcessStartInfo("/usr/bin/time")
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                foreach (var a in new[] { "-f", "peak-rss-kb %M", "dotnet", cliDll, "bench", "--presets", preset, "--warmup", "1",
                                          "--repeats", "5", "--sampling-steps", "0", "--out", json })
                    start.ArgumentList.Add(a);
                foreach (var (name, value) in setting.Environment) start.Environment[name] = value;
                var clock = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                process.StandardOutput.ReadToEnd();
                var error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"bench failed: {error}");
                long rss = error.Split('\n').Where(l => l.StartsWith("peak-rss-kb ", StringComparison.Ordinal))
                                .Select(l => long.Parse(l["peak-rss-kb ".Length..])).LastOrDefault();
                var row = BenchReport.Load(json).Rows[0];
                rows.Add(new Row(setting.Name, r, row.Train.MedianMs, row.Train.CpuMedianMs, row.Forward.MedianMs, row.Forward.CpuMedianMs,
                                 clock.Elapsed.TotalSeconds, rss));
                Console.WriteLine($"round {r} {setting.Name,-18}: train {row.Train.MedianMs,7:F0} ms (CPU {row.Train.CpuMedianMs,6:F0}), " +
                                  $"forward {row.Forward.MedianMs,6:F0} ms (CPU {row.Forward.CpuMedianMs,6:F0}), peak RSS {rss / 1024} MB");
            }
        File.Delete(json);
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, Setting before, Setting after, string path)
    {
        double Median(Setting setting, Func<Row, double> f) => TimingStats.Median(rows.Where(r => r.Setting == setting.Name).Select(f).ToArray());
        var summary = new
        {
            Before = before.Name, After = after.Name,
            TrainSpeedup = Median(before, r => r.TrainMs) / Median(after, r => r.TrainMs),
            ForwardSpeedup = Median(before, r => r.ForwardMs) / Median(after, r => r.ForwardMs),
            Rows = rows,
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
