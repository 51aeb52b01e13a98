using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// <c>diffuse upscale</c>: super-resolution with an SR3 model (Saharia et al. 2021), of one low-resolution
/// image, or of held-out images scored by PSNR against bicubic upsampling.
/// </summary>
public sealed class UpscaleCommand : Command<UpscaleSettings>
{
    public override int Execute(CommandContext context, UpscaleSettings s, CancellationToken cancellationToken)
    {
        if ((s.Image is null) == (s.Data is null)) throw new DiffuseException("give either --image (one low-resolution image) or --data (held-out images to evaluate)");
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Count <= 0) throw new DiffuseException($"--count must be positive (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.Average <= 0) throw new DiffuseException($"--average must be positive (got {s.Average})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");
        if (s.Json is not null && !s.Json.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--json must name a .json file (got '{s.Json}')");
        if (s.Json is not null && s.Data is null) throw new DiffuseException("--json applies to --data only");
        if (s.Image is not null && !File.Exists(s.Image)) throw new DiffuseException($"{s.Image}: --image file not found");

        var modelFolder = DefaultModel.ResolveSuperResolution(s.Model);
        var (model, schedulerConfig) = ImageModel.LoadUNet(modelFolder, "upscale");
        using var _ = model;
        int scale = SuperResolution.ScaleOf(model, modelFolder);
        var sampler = s.Sampler ?? schedulerConfig.ClassName ?? "ddim";
        IScheduler NewScheduler() => SchedulerFactory.Create(sampler, schedulerConfig);
        NewScheduler().Dispose();   // an unknown name fails here, before any work
        return s.Image is not null ? UpscaleOne(s, model, scale, sampler, NewScheduler) : Evaluate(s, modelFolder, model, scale, sampler, NewScheduler);
    }

    private static int UpscaleOne(UpscaleSettings s, UNet2DModel model, int scale, string sampler, Func<IScheduler> newScheduler)
    {
        var c = model.Config;
        int low = c.SampleSize / scale;
        using var image = ImageDecoder.Decode(s.Image!, c.OutChannels);
        if (image.shape[2] != low || image.shape[3] != low)
            throw new DiffuseException($"{s.Image}: --image is {image.shape[3]}×{image.shape[2]} pixels but this ×{scale} model upscales {low}×{low} images (to {c.SampleSize}×{c.SampleSize})");
        using var scheduler = newScheduler();
        using var generator = new Generator().manual_seed(s.Seed);
        using var result = ImageModel.WithProgress($"{sampler} {s.Steps} steps",
            onStep => SuperResolution.Upscale(model, scheduler, image, scale, s.Steps, generator, s.Average, onStep));
        ImageGrid.SavePng(result, s.Out, columns: 1, padding: 0);
        AnsiConsole.MarkupLineInterpolated($"{low}×{low} → {c.SampleSize}×{c.SampleSize}: wrote {s.Out}");
        return 0;
    }

    private static int Evaluate(UpscaleSettings s, string modelFolder, UNet2DModel model, int scale, string sampler, Func<IScheduler> newScheduler)
    {
        var clock = Stopwatch.StartNew();
        var c = model.Config;
        using var data = DatasetLoader.Load(s.Data!, c.SampleSize, c.OutChannels);
        if (data.Count < s.Count) throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");

        SuperResolutionEvaluation.Result result = null!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"upscaling {s.Count} images, {sampler} {s.Steps} steps", maxValue: s.Count);
                result = SuperResolutionEvaluation.Run(model, newScheduler, data.Data, scale, s.Count, s.Batch, s.Steps, s.Seed, s.Average,
                    onBatch: done => task.Value = done);
            });
        using (result)
        {
            ComparisonGrid.SavePng([ComparisonGrid.Blocks(result.Low, scale), result.Bicubic, result.Upscaled, result.Original], s.Out, groupsPerRow: 2);
            var report = SuperResolutionReport.From(result.ModelPsnr, result.BicubicPsnr) with
            {
                Model = Path.GetFullPath(modelFolder), Data = s.Data!, Scale = scale, Sampler = sampler, Steps = s.Steps, Seed = s.Seed,
                Average = s.Average, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
            var json = s.Json ?? Path.ChangeExtension(s.Out, ".json");
            report.Save(json);
            var average = s.Average == 1 ? "" : $", mean of {s.Average} samples";
            AnsiConsole.MarkupLineInterpolated($"PSNR over {report.Count} images, ×{scale} ({c.SampleSize / scale}→{c.SampleSize}), {sampler} {s.Steps} steps{average}:");
            AnsiConsole.MarkupLineInterpolated($"  model   [bold]{report.ModelPsnr:F2} dB[/]");
            AnsiConsole.MarkupLineInterpolated($"  bicubic {report.BicubicPsnr:F2} dB");
            AnsiConsole.MarkupLineInterpolated($"  gain    {report.Gain:+0.00;-0.00} ± {report.GainStandardError:F2} dB (model better on {report.ModelBetterFraction:P0} of images)");
            AnsiConsole.MarkupLineInterpolated($"wrote {s.Out} and {json} ({report.Seconds:F0} s)");
        }
        return 0;
    }
}
