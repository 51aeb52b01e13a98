using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Diffuse.Evaluation.Inception;
using Diffuse.Models;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse eval</c>: the Fréchet distance, KID and precision/recall, in a feature network's space
/// (a trained classifier, or pytorch-fid's Inception-v3), between samples of a model and real images,
/// printed beside the same figures for two disjoint real sets: the floor a perfect model would reach at this count.
/// </summary>
public sealed class EvalCommand(IAnsiConsole console) : Command<EvalSettings>
{
    private static readonly string[] FeatureNames = ["classifier", "inception"];

    public override int Execute(CommandContext context, EvalSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        // Precision and recall need k other points per set, also in the floor's half sets.
        int minCount = 2 * (PrecisionRecall.DefaultK + 1);
        if (s.Count < minCount) throw new DiffuseException($"--count must be at least {minCount} (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.Out is not null && !s.Out.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .json file (got '{s.Out}')");
        if (!FeatureNames.Contains(s.Features))
            throw new DiffuseException($"--features must be {string.Join(" or ", FeatureNames)} (got '{s.Features}')");
        bool inception = s.Features == "inception";
        if (inception && s.InceptionWeights is null)
            throw new DiffuseException($"--features inception needs --inception-weights FILE (pytorch-fid's {FidInceptionWeights.PyTorchFidFile}; nothing is downloaded)");
        if (!inception && s.InceptionWeights is not null)
            throw new DiffuseException("--inception-weights is read only with --features inception");
        var clock = Stopwatch.StartNew();

        using IFeatureExtractor features = inception ? FidInceptionWeights.Load(s.InceptionWeights!) : ClassifierFolder.Load(s.Classifier);
        using var pipeline = ModelOptions.Load(modelFolder, s.Device);
        ModelOptions.RefuseSuperResolution(pipeline, modelFolder, "eval");
        if (!pipeline.MakesImages) throw new DiffuseException($"{modelFolder}: eval measures image models; this one makes 2-D points");
        var schedulerConfig = pipeline.SchedulerConfig;
        int size = (int)pipeline.SampleShape[1], channels = (int)pipeline.SampleShape[0];
        features.CheckInput(channels, size);
        var sampler = s.Sampler ?? schedulerConfig.ClassName ?? "ddpm";
        SchedulerRegistry.Create(sampler, schedulerConfig).Dispose();   // an unknown name fails here, before any work

        using var data = DatasetLoader.Load(s.Data, size, channels);
        if (data.Count < s.Count)
            throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");
        using var generator = new Generator().manual_seed(s.Seed);
        using var order = randperm(data.Count, generator: generator);

        Tensor realFeatures = null!, otherRealFeatures = null!, sampleFeatures = null!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                realFeatures = RealFeatures(ctx, features, data, order, 0, s.Count, $"{features.Name} features of {s.Count} real images");
                // The floor compares two disjoint real sets of the samples' count, so it carries the same
                // small-sample bias; with fewer than 2·count real images, the two halves of the real set.
                otherRealFeatures = data.Count >= 2 * s.Count
                    ? RealFeatures(ctx, features, data, order, s.Count, s.Count, $"{features.Name} features of {s.Count} more real images (floor)")
                    : realFeatures.narrow(0, s.Count / 2, s.Count / 2).clone();
                var task = ctx.AddTask($"sampling {s.Count} images, {sampler} {s.Steps} steps", maxValue: s.Count);
                sampleFeatures = SampleFeatures.FromModel(pipeline, () => SchedulerRegistry.Create(sampler, schedulerConfig), features,
                    s.Count, s.Batch, s.Steps, s.Seed, done => task.Value = done);
            });
        using var disposeReal = realFeatures;
        using var disposeOther = otherRealFeatures;
        using var disposeSamples = sampleFeatures;

        var samples = FeatureSetComparison.Of(sampleFeatures, realFeatures, s.Seed);
        int floorCount = (int)otherRealFeatures.shape[0];
        FeatureSetComparison floor;
        using (var floorReal = realFeatures.narrow(0, 0, floorCount)) floor = FeatureSetComparison.Of(otherRealFeatures, floorReal, s.Seed);

        var report = new SampleQualityReport
        {
            Model = Path.GetFullPath(modelFolder), Features = features.Name,
            Classifier = inception ? "" : Path.GetFullPath(s.Classifier),
            InceptionWeights = inception ? Path.GetFullPath(s.InceptionWeights!) : "",
            Data = s.Data, Sampler = sampler, Steps = s.Steps, Count = s.Count, Seed = s.Seed,
            FrechetDistance = samples.FrechetDistance, KidMean = samples.KidMean, KidStd = samples.KidStd,
            Precision = samples.Precision, Recall = samples.Recall,
            RealVsRealFrechetDistance = floor.FrechetDistance, RealVsRealKidMean = floor.KidMean, RealVsRealKidStd = floor.KidStd,
            RealVsRealPrecision = floor.Precision, RealVsRealRecall = floor.Recall, FloorCount = floorCount,
            KidSubsets = KernelInceptionDistance.DefaultSubsets,
            KidSubsetSize = Math.Min(KernelInceptionDistance.DefaultSubsetSize, s.Count),
            PrecisionRecallK = PrecisionRecall.DefaultK,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        var outPath = s.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelFolder).TrimEnd(Path.DirectorySeparatorChar))!, "eval.json");
        report.Save(outPath);
        Print(report, features.Name);
        console.MarkupLineInterpolated($"wrote {outPath} ({report.Seconds:F0} s)");
        return 0;
    }

    private static Tensor RealFeatures(ProgressContext ctx, IFeatureExtractor features, ImageDataset data, Tensor order, int start, int count, string description)
    {
        var task = ctx.AddTask(description, maxValue: count);
        using var images = data.Data.index_select(0, order.narrow(0, start, count));
        return features.Features(images, done => task.Value = done);
    }

    private void Print(SampleQualityReport r, string featureName)
    {
        console.MarkupLineInterpolated(
            $"{featureName} features; samples vs real: {r.Count} vs {r.Count} images; floor, real vs real: {r.FloorCount} vs {r.FloorCount}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("")
            .AddColumn(new TableColumn("samples vs real").RightAligned())
            .AddColumn(new TableColumn("floor").RightAligned());
        table.AddRow("Fréchet distance", $"[bold]{r.FrechetDistance:F3}[/]", $"{r.RealVsRealFrechetDistance:F3}");
        table.AddRow("KID, mean ± std", $"[bold]{r.KidMean:G4}[/] ± {r.KidStd:G2}", $"{r.RealVsRealKidMean:G4} ± {r.RealVsRealKidStd:G2}");
        table.AddRow($"precision (k = {r.PrecisionRecallK})", $"[bold]{r.Precision:F3}[/]", $"{r.RealVsRealPrecision:F3}");
        table.AddRow($"recall (k = {r.PrecisionRecallK})", $"[bold]{r.Recall:F3}[/]", $"{r.RealVsRealRecall:F3}");
        console.Write(table);
    }

    private static DiffuseException Dispose(IDisposable module, DiffuseException error)
    {
        module.Dispose();
        return error;
    }
}
