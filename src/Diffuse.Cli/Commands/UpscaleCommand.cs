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
public sealed class UpscaleCommand(IAnsiConsole console) : Command<UpscaleSettings>
{
    public override int Execute(CommandContext context, UpscaleSettings s, CancellationToken cancellationToken)
    {
        if ((s.Image is null) == (s.Data is null)) throw new DiffuseException("give either --image (one low-resolution image) or --data (held-out images to evaluate)");
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Count <= 0) throw new DiffuseException($"--count must be positive (got {s.Count})");
        if (s.Batch <= 0) throw new DiffuseException($"--batch must be positive (got {s.Batch})");
        if (s.Average <= 0) throw new DiffuseException($"--average must be positive (got {s.Average})");
        var extension = s.Image is not null ? ".png" : ".json";
        if (s.Out is not null && !s.Out.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a {extension} file {(s.Image is not null ? "with --image" : "with --data")} (got '{s.Out}')");
        if (s.Grid is not null && s.Data is null) throw new DiffuseException("--grid applies to --data only");
        if (s.Grid is not null && !s.Grid.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--grid must name a .png file (got '{s.Grid}')");
        if (s.Image is not null && !File.Exists(s.Image)) throw new DiffuseException($"{s.Image}: --image file not found");

        var modelFolder = DefaultModel.ResolveSuperResolution(s.Model);
        using var pipeline = ModelOptions.LoadSuperResolution(s.Model, s.Device);
        var options = new GenerationOptions { Steps = s.Steps, Scheduler = s.Sampler, Seed = s.Seed };
        pipeline.CreateScheduler(options).Dispose();   // an unknown name fails here, before any work
        var sampler = s.Sampler ?? pipeline.SchedulerConfig.ClassName ?? "ddim";
        return s.Image is not null
            ? UpscaleOne(s, pipeline, options, sampler, cancellationToken)
            : Evaluate(s, modelFolder, pipeline, sampler, () => pipeline.CreateScheduler(options));
    }

    private int UpscaleOne(UpscaleSettings s, SuperResolutionPipeline pipeline, GenerationOptions options, string sampler,
                                  CancellationToken cancellationToken)
    {
        int low = pipeline.LowResolutionSize, size = (int)pipeline.SampleShape[1], scale = pipeline.Scale;
        using var image = ImageDecoder.Decode(s.Image!, (int)pipeline.SampleShape[0]);
        if (image.shape[2] != low || image.shape[3] != low)
            throw new DiffuseException($"{s.Image}: --image is {image.shape[3]}×{image.shape[2]} pixels but this ×{scale} model upscales {low}×{low} images (to {size}×{size})");
        using var result = ImageModel.WithProgress(console, $"{sampler} {s.Steps} steps",
            onStep => pipeline.Upscale(image, options, s.Average, onStep, cancellationToken));
        var outPath = s.Out ?? "upscaled.png";
        ImageGrid.SavePng(result, outPath, columns: 1, padding: 0);
        console.MarkupLineInterpolated($"{low}×{low} → {size}×{size}: wrote {outPath}");
        return 0;
    }

    private int Evaluate(UpscaleSettings s, string modelFolder, SuperResolutionPipeline pipeline, string sampler, Func<IScheduler> newScheduler)
    {
        var clock = Stopwatch.StartNew();
        int size = (int)pipeline.SampleShape[1], scale = pipeline.Scale;
        using var data = DatasetLoader.Load(s.Data!, size, (int)pipeline.SampleShape[0]);
        if (data.Count < s.Count) throw new DiffuseException($"{s.Data}: holds {data.Count} images, fewer than --count {s.Count}");

        SuperResolutionEvaluation.Result result = null!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"upscaling {s.Count} images, {sampler} {s.Steps} steps", maxValue: s.Count);
                result = SuperResolutionEvaluation.Run(pipeline.Denoiser, newScheduler, data.Data, scale, s.Count, s.Batch, s.Steps, s.Seed, s.Average,
                    onBatch: done => task.Value = done);
            });
        using (result)
        {
            var json = s.Out ?? "upscale.json";
            var grid = s.Grid ?? Path.ChangeExtension(json, ".png");
            ComparisonGrid.SavePng([ComparisonGrid.Blocks(result.Low, scale), result.Bicubic, result.Upscaled, result.Original], grid, groupsPerRow: 2);
            var report = SuperResolutionReport.From(result.ModelPsnr, result.BicubicPsnr) with
            {
                Model = Path.GetFullPath(modelFolder), Data = s.Data!, Scale = scale, Sampler = sampler, Steps = s.Steps, Seed = s.Seed,
                Average = s.Average, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
            report.Save(json);
            var average = s.Average == 1 ? "" : $", mean of {s.Average} samples";
            console.MarkupLineInterpolated($"PSNR over {report.Count} images, ×{scale} ({size / scale}→{size}), {sampler} {s.Steps} steps{average}:");
            console.MarkupLineInterpolated($"  model   [bold]{report.ModelPsnr:F2} dB[/]");
            console.MarkupLineInterpolated($"  bicubic {report.BicubicPsnr:F2} dB");
            console.MarkupLineInterpolated($"  gain    {report.Gain:+0.00;-0.00} ± {report.GainStandardError:F2} dB (model better on {report.ModelBetterFraction:P0} of images)");
            console.MarkupLineInterpolated($"wrote {json} and {grid} ({report.Seconds:F0} s)");
        }
        return 0;
    }
}
