using Diffuse.Data;
using Diffuse.Pipelines;
using Diffuse.Plots;
using static TorchSharp.torch;

namespace Diffuse.Training;

/// <summary>
/// What a person looks at during training: samples from the EMA weights' pipeline (always from the same starting
/// noise, so grids from different steps compare; a class-conditional model shows one class a row, unguided), a
/// scatter of sampled points against the data for toy sets, or low-res | super-resolved | original for a
/// super-resolution model, and the loss curve.
/// </summary>
public sealed class TrainingPreviews(string runFolder, Trainer trainer, ITrainingData data)
{
    public void Write(IReadOnlyList<LossRecord> losses, bool final = false)
    {
        var name = final ? TrainingRun.FinalSamplesFile : Path.Combine(TrainingRun.SamplesFolder, $"step-{trainer.Step:D6}.png");
        var path = Path.Combine(runFolder, name);
        if (trainer.Objective is { } objective) objective.WritePreview(trainer.EmaModel, path);
        else if (trainer.Config.SuperresScale is int scale) WriteSuperResolution(path, scale);
        else if (trainer.EmaPipeline.TakesText) WritePrompts(path);
        else WriteSamples(path);
        if (losses.Count > 0)
            LossPlot.SavePng(losses.Select(r => ((long)r.Step, r.Loss)).ToList(), Path.Combine(runFolder, TrainingRun.LossPlotFile));
    }

    private void WriteSamples(string path)
    {
        var config = trainer.Config;
        var pipeline = trainer.EmaPipeline;
        using var scope = NewDisposeScope();
        // Unconditional image models show sample_count images; class-conditional ones 8 a class; toy ones 2000 points.
        int? count = pipeline.MakesImages ? (config.Conditional ? null : config.SampleCount) : 2000;
        // The run's own sampler: DDIM for a diffusion run, flow Euler for a flow run.
        var options = new GenerationOptions { Steps = config.SampleSteps, Seed = config.Seed + 2, Count = count };
        using var result = pipeline.Generate(options);
        if (result.IsImages) ImageGrid.SavePng(result.Samples, path, columns: result.Columns, scale: 2);
        else
        {
            using var generator = new Generator().manual_seed(config.Seed + 3);
            PointCloudPlot.SavePng(data.NextBatch((int)result.Samples.shape[0], generator).Examples, path, result.Samples);
        }
    }

    /// <summary>
    /// A text-to-image model shows one row a prompt, 8 images each, the same prompts and noise every time, with
    /// classifier-free guidance at <see cref="PreviewGuidanceScale"/>: <see cref="PreviewPrompts"/> of the data.
    /// </summary>
    private void WritePrompts(string path)
    {
        var config = trainer.Config;
        using var scope = NewDisposeScope();
        var prompts = PreviewPrompts(((TextToImageTrainingData)data).Captions);
        var rows = new List<Tensor>();
        foreach (var (prompt, i) in prompts.Select((p, i) => (p, i)))
        {
            var options = new GenerationOptions
            {
                Scheduler = "ddim", Steps = config.SampleSteps, Seed = config.Seed + 2 + i, Count = 8, Prompt = prompt, GuidanceScale = PreviewGuidanceScale,
            };
            using var result = trainer.EmaPipeline.Generate(options);
            rows.Add(result.Samples.clone());
        }
        ImageGrid.SavePng(cat(rows, 0), path, columns: 8, scale: 2);
    }

    public const double PreviewGuidanceScale = 3.0;

    /// <summary>
    /// The prompts previews show: for Fashion-MNIST in colour the held-out pairs and as many seen ones (a person sees
    /// at once whether unseen combinations come out); otherwise the first 8 distinct captions.
    /// </summary>
    public static IReadOnlyList<string> PreviewPrompts(IReadOnlyList<string> captions)
    {
        var distinct = captions.Distinct().ToList();
        if (distinct.All(c => FashionColours.Parse(c) is not null))
        {
            var heldOut = FashionColours.HeldOut.Select(p => FashionColours.Caption(p.Colour, p.Garment)).Take(5);
            var seen = Enumerable.Range(0, 5).Select(i => FashionColours.Caption((i * 3 + 1) % 8, (i * 2 + 1) % 10)).Where(c => distinct.Contains(c));
            return [.. heldOut, .. seen];
        }
        return distinct.Take(8).ToList();
    }

    /// <summary>
    /// A super-resolution model shows low-res | super-resolved | original for up to 32 training images, the same
    /// images and noise every time, four triplets a row.
    /// </summary>
    private void WriteSuperResolution(string path, int scale)
    {
        var config = trainer.Config;
        using var scope = NewDisposeScope();
        int count = Math.Min(config.SampleCount, 32);
        using var scheduler = new Schedulers.DdimScheduler(trainer.SchedulerConfig);
        using var generator = new Generator().manual_seed(config.Seed + 2);
        var original = data.NextBatch(count, generator).Examples;
        var low = LowResolution.Degrade(original, scale);
        using var upscaled = SuperResolution.Upscale(trainer.EmaDenoiser, scheduler, low, scale, config.SampleSteps, generator);
        ComparisonGrid.SavePng([ComparisonGrid.Blocks(low, scale), upscaled, original], path, groupsPerRow: 4);
    }
}
