using System.Diagnostics;
using System.Text.Json;
using Diffuse.Benchmarks;
using Diffuse.IO;

namespace Diffuse.Bench;

/// <summary>
/// OpenMP's wait policy can only be chosen before libtorch loads, so it is compared across processes:
/// <c>diffuse bench</c> on the default preset, run alternately with OMP_WAIT_POLICY=ACTIVE (libgomp's
/// spinning, the old behaviour) and PASSIVE (what the CLI now asks for), several rounds.
/// </summary>
public static class WaitPolicy
{
    public sealed record Row(string Policy, int Round, double TrainMs, double TrainCpuMs, double ForwardMs, double ForwardCpuMs, double ProcessSeconds);

    public static IReadOnlyList<Row> Run(string cliDll, string preset, int rounds)
    {
        var rows = new List<Row>();
        var json = Path.Combine(Path.GetTempPath(), $"wait-policy-{Environment.ProcessId}.json");
        for (int r = 0; r < rounds; r++)
        {
            var order = r % 2 == 0 ? new[] { "ACTIVE", "PASSIVE" } : ["PASSIVE", "ACTIVE"];
            foreach (var policy in order)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { cliDll, "bench", "--presets", preset, "--warmup", "1", "--repeats", "5", "--sampling-steps", "0", "--out", json })
                    start.ArgumentList.Add(a);
                start.Environment["OMP_WAIT_POLICY"] = policy;
                var clock = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"bench failed: {process.StandardError.ReadToEnd()}");
                var row = BenchReport.Load(json).Rows[0];
                rows.Add(new Row(policy, r, row.Train.MedianMs, row.Train.CpuMedianMs, row.Forward.MedianMs, row.Forward.CpuMedianMs, clock.Elapsed.TotalSeconds));
                Console.WriteLine($"round {r} {policy,-7}: train {row.Train.MedianMs,7:F0} ms (CPU {row.Train.CpuMedianMs,6:F0}), forward {row.Forward.MedianMs,6:F0} ms (CPU {row.Forward.CpuMedianMs,6:F0})");
            }
        }
        File.Delete(json);
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path)
    {
        double Median(string policy, Func<Row, double> f) => TimingStats.Median(rows.Where(r => r.Policy == policy).Select(f).ToArray());
        var summary = new
        {
            TrainSpeedup = Median("ACTIVE", r => r.TrainMs) / Median("PASSIVE", r => r.TrainMs),
            ForwardSpeedup = Median("ACTIVE", r => r.ForwardMs) / Median("PASSIVE", r => r.ForwardMs),
            Rows = rows,
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
