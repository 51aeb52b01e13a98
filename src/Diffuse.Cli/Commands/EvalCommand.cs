using System.Diagnostics;
using Diffuse.Data;
using Diffuse.IO;
using Diffuse.Metrics;
using Diffuse.Models;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse eval</c>: the Fréchet distance, in a trained classifier's features, between samples of a
/// model and real images, printed with the distance between two disjoint real sets as the floor that a
/// perfect model would reach at this count.
/// </summary>
public sealed class EvalCommand : Command<EvalSettings>
{
    public override int Execute(CommandContext context, EvalSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Count < 2) throw new DiffuseException($"--count must be at least 2 (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        var clock = Stopwatch.StartNew();

        using var classifier = ClassifierFolder.Load(s.Classifier);
        var (module, schedulerConfig) = PipelineFolder.Load(modelFolder);
        using var model = module as UNet2DModel ?? throw Dispose(module, new DiffuseException($"{modelFolder}: eval measures image models; this folder holds a {module.GetType().Name}"));
        SuperResolutionCheck.Refuse(model, modelFolder, "eval");
        var sampler = s.Sampler ?? schedulerConfig.ClassName ?? "ddpm";
        SchedulerFactory.Create(sampler, schedulerConfig).Dispose();   // an unknown name fails here, before any work

        using var data = DatasetLoader.Load(s.Data, classifier.Config.SampleSize, classifier.Config.InChannels);
        if (data.Count < s.Count)
            throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");
        using var generator = new Generator().manual_seed(s.Seed);
        using var order = randperm(data.Count, generator: generator);
        Tensor realFeatures;
        using (var real = data.Data.index_select(0, order.narrow(0, 0, s.Count))) realFeatures = classifier.Features(real);
        using var disposeReal = realFeatures;
        var (floor, floorCount) = RealVsReal(classifier, data, order, realFeatures, s.Count);

        Tensor sampleFeatures = null!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"sampling {s.Count} images, {sampler} {s.Steps} steps", maxValue: s.Count);
                sampleFeatures = SampleFeatures.FromModel(model, () => SchedulerFactory.Create(sampler, schedulerConfig), classifier,
                    s.Count, s.Batch, s.Steps, s.Seed, done => task.Value = done);
            });
        double distance;
        using (sampleFeatures) distance = FrechetDistance.Between(sampleFeatures, realFeatures);

        var report = new SampleQualityReport
        {
            Model = Path.GetFullPath(modelFolder), Classifier = Path.GetFullPath(s.Classifier), Data = s.Data,
            Sampler = sampler, Steps = s.Steps, Count = s.Count, Seed = s.Seed,
            FrechetDistance = distance, RealVsRealFrechetDistance = floor, FloorCount = floorCount,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        var outPath = s.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelFolder).TrimEnd(Path.DirectorySeparatorChar))!, "eval.json");
        report.Save(outPath);
        AnsiConsole.MarkupLineInterpolated($"Fréchet distance (classifier features), {s.Count} samples vs {s.Count} real: [bold]{distance:F3}[/]");
        AnsiConsole.MarkupLineInterpolated($"floor, real vs real ({floorCount} vs {floorCount}): {floor:F3}");
        AnsiConsole.MarkupLineInterpolated($"wrote {outPath} ({report.Seconds:F0} s)");
        return 0;
    }

    /// <summary>
    /// The distance between two disjoint real sets. At the same count as the samples when the data holds
    /// 2·count images, so the floor carries the same small-sample bias; otherwise between the halves of
    /// the real set, which overstates the floor of a full-count comparison.
    /// </summary>
    private static (double Distance, int Count) RealVsReal(FashionClassifier classifier, ImageDataset data, Tensor order, Tensor realFeatures, int count)
    {
        if (data.Count >= 2 * count)
        {
            using var images = data.Data.index_select(0, order.narrow(0, count, count));
            using var other = classifier.Features(images);
            return (FrechetDistance.Between(realFeatures, other), count);
        }
        int half = count / 2;
        using var a = realFeatures.narrow(0, 0, half);
        using var b = realFeatures.narrow(0, half, half);
        return (FrechetDistance.Between(a, b), half);
    }

    private static DiffuseException Dispose(IDisposable module, DiffuseException error)
    {
        module.Dispose();
        return error;
    }
}
