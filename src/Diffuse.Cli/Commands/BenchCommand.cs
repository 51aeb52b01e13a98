using System.Globalization;
using Diffuse.Benchmarks;
using Diffuse.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse bench</c>: training and sampling speed of the model presets and of ../shared/perf's
/// UNets, as images/s and as a share of the machine's float32 peak.
/// </summary>
public sealed class BenchCommand(IAnsiConsole console) : Command<BenchSettings>
{
    public override int Execute(CommandContext context, BenchSettings s, CancellationToken cancellationToken)
    {
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        if (s.Threads is <= 0) throw new DiffuseException($"--threads must be positive (got {s.Threads})");
        var cases = s.Presets is null
            ? s.Quick ? BenchCases.QuickNames : BenchCases.Names
            : s.Presets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var options = new BenchOptions
        {
            Cases = cases.ToArray(), Batch = s.Batch, PresetSize = s.Size, SamplingSteps = s.SamplingSteps,
            Warmups = s.WarmupCalls ?? (s.Quick ? 1 : 2), DenoiserWarmups = s.WarmupCalls ?? 1, BudgetSeconds = s.Budget, SamplingDType = InferenceDTypes.Parse(s.DType),
        };
        // A narrower type is timed beside float32, interleaved: its speed-up is then measured in the same minutes.
        if (options.SamplingDType != ScalarType.Float32) options = options with { NarrowDType = options.SamplingDType };
        if (s.Repeats is int repeats) options = options.WithFixedRepeats(repeats);
        else if (s.Quick) options = options.WithFixedRepeats(3) with { SamplingMinRepeats = 1, SamplingMaxRepeats = 1 };
        options.Validate();
        if (s.Threads is int threads) set_num_threads(threads);

        BenchReport report = null!;
        if (!console.Profile.Capabilities.Interactive)
        {
            // Redirected output: a line when a case and part first runs, not a progress bar redrawn as lines.
            var told = new HashSet<string>();
            report = BenchRunner.Run(options, (name, part, warmup) =>
            {
                if (told.Add($"{name}: {part}")) console.MarkupLineInterpolated($"[grey]{name}: {part}[/]");
                else if (!warmup && told.Add($"{name}: {part} timed")) console.MarkupLineInterpolated($"[grey]{name}: {part}, timed rounds[/]");
            });
        }
        else
            console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    // The bar counts the fewest calls; pieces whose median is still uncertain may run more.
                    var task = ctx.AddTask("bench", maxValue: BenchRunner.FewestCalls(options));
                    report = BenchRunner.Run(options, (name, part, warmup) =>
                    {
                        task.Description = Markup.Escape($"{name}: {part}{(warmup ? " (warm-up)" : "")}");
                        task.Increment(1);
                    });
                });

        if (report.Rows.Count > 0)
        {
            console.Write(TrainingTable(report));
            console.Write(InferenceTable(report, options));
        }
        if (report.DenoiserRows.Count > 0) console.Write(DenoiserTable(report));
        if (report.RecipeRows.Count > 0) console.Write(RecipeTable(report));
        var peak = report.Peak?.Assumptions ?? "peak unknown (no /proc/cpuinfo)";
        console.MarkupLineInterpolated($"{peak}; libtorch threads: {report.IntraOpThreads} intra-op, {report.InteropThreads} inter-op");
        if (options.NarrowDType is not null && report.Peak is { } cpu) console.MarkupLineInterpolated($"{cpu.BFloat16Assumptions}");
        foreach (var note in report.Notes) console.MarkupLineInterpolated($"[grey]{note}[/]");
        if (s.Out is not null)
        {
            report.Save(s.Out);
            console.MarkupLineInterpolated($"wrote {s.Out} ({report.Seconds:F0} s)");
        }
        else console.MarkupLineInterpolated($"{report.Seconds:F0} s");
        return 0;
    }

    private static Table RecipeTable(BenchReport report)
    {
        var table = new Table().Title($"training recipes side by side, batch {report.RecipeRows[0].Batch}, interleaved (best and median)")
            .AddColumns("case", "preset", "objective", "dtype", "parameters", "best ms", "median ms", "steps/s (best)", "steps/s (median)");
        foreach (var r in report.RecipeRows)
            table.AddRow(r.Case, r.Preset, r.Objective, r.DType, r.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                $"{r.Train.MinMs:F1}", $"{r.Train.MedianMs:F1}", $"{r.StepsPerSecond:F2}", $"{r.MedianStepsPerSecond:F2}");
        return table;
    }

    private static Table TrainingTable(BenchReport report)
    {
        var table = new Table().Title($"training, batch {report.Rows[0].Batch}, best of n interleaved calls after {report.Warmups} warm-ups (median ± its 95 % interval)")
            .AddColumns("case", "params", "step ms: best (median ± %), n", "steps/s", "images/s", "GFLOP/s (% peak)", "PyTorch median ms");
        var narrow = report.Rows[0].NarrowTrain is null ? null : report.Rows[0].NarrowDType;
        if (narrow is not null) table.AddColumns($"{narrow} step ms: best (median ± %), n", $"× float32 (best)", $"{narrow} GFLOP/s (% {narrow} peak)");
        foreach (var r in report.Rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(r.Case), r.Parameters.ToString("N0", CultureInfo.InvariantCulture), Range(r.Train),
                F(r.TrainStepsPerSecond, 2), F(r.TrainImagesPerSecond, 1), Rate(report, r.TrainGflops), Reference(r.PyTorch?.TrainStepMs),
            };
            if (narrow is not null)
                cells.AddRange([r.NarrowTrain is { } t ? Range(t) : "–", r.NarrowTrainSpeedup is double x ? $"{F(x, 2)}×" : "–",
                                r.NarrowTrainGflops is double g ? NarrowRate(report, g) : "–"]);
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static Table InferenceTable(BenchReport report, BenchOptions options)
    {
        var table = new Table().Title($"inference, batch {report.Rows[0].Batch}; sampling: DDIM {options.SamplingSteps} steps, {InferenceDTypes.Name(options.SamplingDType)}")
            .AddColumns("case", "MMAC/image", "forward ms: best (median ± %), n", "images/s", "GFLOP/s (% peak)", "PyTorch median ms", "sampling ms/eval, best", "sampled images/s");
        var narrow = report.Rows[0].NarrowForward is null ? null : report.Rows[0].NarrowDType;
        if (narrow is not null) table.AddColumns($"{narrow} forward ms: best (median ± %), n", $"× float32 (best)", $"{narrow} GFLOP/s (% {narrow} peak)");
        foreach (var r in report.Rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(r.Case), F(r.ForwardMacsPerImage / 1e6, 1), Range(r.Forward), F(r.ForwardImagesPerSecond, 1),
                Rate(report, r.ForwardGflops), Reference(r.PyTorch?.ForwardMs),
                r.Sampling is null ? "–" : F(r.Sampling.MsPerEvaluation, 0), r.SamplingImagesPerSecond is double ips ? F(ips, 1) : "–",
            };
            if (narrow is not null)
                cells.AddRange([r.NarrowForward is { } t ? Range(t) : "–", r.NarrowForwardSpeedup is double x ? $"{F(x, 2)}×" : "–",
                                r.NarrowForwardGflops is double g ? NarrowRate(report, g) : "–"]);
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static Table DenoiserTable(BenchReport report)
    {
        var table = new Table().Title("Stable Diffusion denoising step (one UNet call on the batch), best of n after the warm-ups (median ± its 95 % interval)")
            .AddColumns("case", "params", "dtype", "batch × latent", "step s: best (median ± %), n", "CPU s per step, median",
                        "peak RSS during calls", "RSS after build", "build peak RSS");
        foreach (var r in report.DenoiserRows)
            table.AddRow(Markup.Escape(r.Case), r.Parameters.ToString("N0", CultureInfo.InvariantCulture), r.DType, $"{r.Batch} × 4×{r.LatentSize}×{r.LatentSize}",
                $"{F(r.Step.MinMs / 1000, 3)} ({F(r.Step.MedianMs / 1000, 3)} ± {F(r.Step.MedianIntervalPercent, 1)} %), {r.Step.Count}",
                F(r.Step.CpuMedianMs / 1000, 2), Gib(r.PeakReset ? r.PeakRssDuringCallsBytes : null), Gib(r.RssAfterBuildBytes), Gib(r.BuildPeakRssBytes));
        return table;
    }

    private static string Gib(long? bytes) => bytes is long b ? $"{F(b / (double)(1L << 30), 2)} GiB" : "–";

    private static string Range(TimingStats t) => $"{F(t.MinMs, 0)} ({F(t.MedianMs, 0)} ± {F(t.MedianIntervalPercent, 1)} %), {t.Count}";

    private static string Rate(BenchReport report, double gflops) =>
        report.PeakPercent(gflops) is double p ? $"{F(gflops, 1)} ({F(p, 1)} %)" : F(gflops, 1);

    private static string NarrowRate(BenchReport report, double gflops) =>
        report.BFloat16PeakPercent(gflops) is double p ? $"{F(gflops, 1)} ({F(p, 1)} %)" : F(gflops, 1);

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Reference(double[]? ms) => ms is null ? "–" : string.Join(" / ", ms.Select(m => F(m, 0)));
}
