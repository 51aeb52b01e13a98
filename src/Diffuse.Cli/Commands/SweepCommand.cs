using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Schedulers;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse sweep</c>: sample quality against cost for several samplers and step counts (Table 1 of the DDIM
/// paper, Song et al. 2021), all rows from the same starting noise, scored like <c>diffuse eval</c>.
/// </summary>
public sealed class SweepCommand(IAnsiConsole console) : Command<SweepSettings>
{
    public override int Execute(CommandContext context, SweepSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Count < 2) throw new DiffuseException($"--count must be at least 2 (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        var rows = s.Rows is null ? null : SweepRow.Parse(s.Rows);
        var clock = Stopwatch.StartNew();

        using var classifier = ClassifierFolder.Load(s.Classifier);
        using var pipeline = ModelOptions.Load(modelFolder, s.Device);
        rows ??= SweepRow.DefaultsFor(pipeline.SchedulerConfig);
        foreach (var row in rows)   // a sampler this model cannot run fails here, before any sampling
        {
            try { SchedulerRegistry.Create(row.Sampler, pipeline.SchedulerConfig).Dispose(); }
            catch (DiffuseArgumentException e) { throw new DiffuseArgumentException("rows", $"'{row}': {e.Problem}"); }
        }
        ModelOptions.RefuseSuperResolution(pipeline, modelFolder, "sweep");
        using var data = DatasetLoader.Load(s.Data, classifier.Config.SampleSize, classifier.Config.InChannels);
        if (data.Count < s.Count) throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");
        using var real = RealFeatures.Select(classifier, data, s.Count, s.Seed);

        var results = new List<SweepRowResult>();
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = rows.Select(row => ctx.AddTask(Markup.Escape($"{row.Sampler} {row.Steps} steps"), autoStart: false, maxValue: s.Count)).ToList();
                for (int i = 0; i < rows.Count; i++)
                {
                    var task = tasks[i];
                    task.StartTask();
                    results.Add(SamplerSweep.Run(pipeline, classifier, real.Features, rows[i], s.Count, s.Batch, s.Seed, done => task.Value = done));
                    task.StopTask();
                }
            });

        var report = new SweepReport
        {
            Model = Path.GetFullPath(modelFolder), Classifier = Path.GetFullPath(s.Classifier), Data = s.Data, Count = s.Count, Seed = s.Seed,
            Rows = results, RealVsRealFrechetDistance = real.Floor, FloorCount = real.FloorCount,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        var outPath = s.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelFolder).TrimEnd(Path.DirectorySeparatorChar))!, "sweep.json");
        report.Save(outPath);

        var table = new Table().AddColumns("sampler", "steps", "network evaluations", "Fréchet distance", "seconds");
        foreach (var column in table.Columns.Skip(1)) column.RightAligned();
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Sampler), $"{r.Steps}", $"{r.NetworkEvaluations}", $"{r.FrechetDistance:F3}", $"{r.Seconds:F1}");
        table.AddRow("[dim]real vs real[/]", "", "", $"[dim]{real.Floor:F3}[/]", "");
        table.Caption($"{s.Count} samples a row vs {s.Count} real images; floor from {real.FloorCount} vs {real.FloorCount} real images");
        console.Write(table);
        console.MarkupLineInterpolated($"wrote {outPath} ({report.Seconds:F0} s)");
        return 0;
    }
}
