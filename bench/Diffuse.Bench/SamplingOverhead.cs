using System.Diagnostics;
using System.Text.Json;
using Diffuse.Formats;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Diffuse.Schedules;
using Diffuse.Training;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// How much of a sampling run is spent outside the network (scheduler step, bookkeeping): each sampler
/// runs 20 steps on a batch of the default preset (random weights: the cost does not depend on them),
/// with the model wrapped in a stopwatch. Median of several runs after a warm-up.
/// </summary>
public static class SamplingOverhead
{
    public sealed record Row(string Sampler, int Steps, int ModelCalls, double TotalMs, double ModelMs, double OverheadMs, double OverheadPercent);

    public static IReadOnlyList<Row> Run(int batch, int steps, int repeats)
    {
        manual_seed(0);
        using var unet = new UNet2DModel(ModelPresets.UNet(ModelPresets.Default, 1, 28));
        unet.eval();
        var timed = new TimedDenoiser(unet);
        var config = new SchedulerConfig { ClassName = "DDPMScheduler", BetaSchedule = "squaredcos_cap_v2" };
        var rows = new List<Row>();
        foreach (var sampler in new[] { "ddim", "ddpm", "dpm++", "euler", "euler_a", "heun", "pndm" })
        {
            var totals = new List<(double Total, double Model, int Calls)>();
            for (int r = 0; r < repeats + 1; r++)
            {
                using var scheduler = SchedulerRegistry.Create(sampler, config);
                using var generator = new Generator().manual_seed(r);
                using var noise = randn([batch, 1, 28, 28], generator: generator);
                timed.Reset();
                var clock = Stopwatch.StartNew();
                using var sample = DenoisingLoop.Run(timed, scheduler, noise, steps, generator);
                clock.Stop();
                if (r > 0) totals.Add((clock.Elapsed.TotalMilliseconds, timed.Elapsed.TotalMilliseconds, timed.Calls));
            }
            var median = totals.OrderBy(t => t.Total - t.Model).ElementAt(totals.Count / 2);
            double overhead = median.Total - median.Model;
            rows.Add(new Row(sampler, steps, median.Calls, median.Total, median.Model, overhead, 100 * overhead / median.Total));
        }
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
