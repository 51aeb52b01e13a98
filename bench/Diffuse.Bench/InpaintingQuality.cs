using System.Text.Json;
using Diffuse.Data;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// The masked-half test of RePaint (Lugmayr et al. 2022, §5): the bottom half of held-out images is generated
/// from the top half, by plain replacement and by RePaint on the same DDPM timesteps and the same noise, and
/// the completed images are compared with other real images by the Fréchet distance in classifier features.
/// The originals of the masked images against the same real set give the floor.
/// </summary>
public static class InpaintingQuality
{
    /// <param name="ClassAccuracy">share of the completed images the classifier assigns to the original's label (null without labels):
    /// a completion that does not fit the known half (trousers above, a bag below) changes class.</param>
    public sealed record Row(string Method, int Steps, int Jump, int Resample, int NetworkEvaluations, int Count,
                             double FrechetDistance, double Seconds, double? ClassAccuracy = null);

    public static IReadOnlyList<Row> Run(string modelFolder, string classifierFolder, string data, int count, int steps,
                                         int jump, int resample, int batch = 100)
    {
        using var pipeline = DiffusionPipeline.Load(modelFolder);
        var schedulerConfig = pipeline.SchedulerConfig;
        if (!pipeline.MakesImages) throw new DiffuseException($"{modelFolder}: not an image model");
        var shape = pipeline.SampleShape;
        using var classifier = ClassifierFolder.Load(classifierFolder);
        using var dataset = DatasetLoader.Load(data, (int)shape[1], (int)shape[0]);
        if (dataset.Count < 2 * count) throw new DiffuseException($"{data}: {dataset.Count} images, the test needs {2 * count}");
        using var masked = dataset.Data[TensorIndex.Slice(0, count)];
        using var reference = dataset.Data[TensorIndex.Slice(count, 2 * count)];
        int size = (int)shape[1];
        using var mask = ones(1, 1, size, size);
        mask[.., .., TensorIndex.Slice(size / 2, size), ..] = tensor(0f);   // keep the top half, generate the bottom

        using var labels = dataset.Labels?[TensorIndex.Slice(0, count)];
        double? Accuracy(Tensor images)
        {
            if (labels is null) return null;
            using var clamped = images.clamp(-1, 1);
            return ClassifierTrainer.Accuracy(classifier, clamped, labels);
        }
        var completions = new List<Tensor>();
        var rows = new List<Row> { new("original (floor)", 0, 0, 0, 0, count, ClassifierFrechetDistance.Between(classifier, masked, reference), 0, Accuracy(masked)) };
        foreach (var (name, r) in new[] { ("replace", 1), ("repaint", resample) })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var generator = new Generator().manual_seed(0);
            var parts = new List<Tensor>();
            for (int start = 0; start < count; start += batch)
            {
                using var images = masked[TensorIndex.Slice(start, Math.Min(start + batch, count))];
                using var scheduler = (DdpmScheduler)SchedulerRegistry.Create("ddpm", schedulerConfig);
                var denoiser = Unconditional(pipeline, images.shape[0]);
                parts.Add(r == 1
                    ? Inpainting.Replace(denoiser, scheduler, images, mask, steps, generator)
                    : Inpainting.RePaint(denoiser, scheduler, images, mask, steps, jump, r, generator));
                Console.Error.Write($"\r{name}: {Math.Min(start + batch, count)}/{count}");
            }
            Console.Error.WriteLine();
            using var completed = cat(parts);
            foreach (var p in parts) p.Dispose();
            double seconds = clock.Elapsed.TotalSeconds;
            rows.Add(new Row(name, steps, r == 1 ? 0 : jump, r, steps * r, count,
                ClassifierFrechetDistance.Between(classifier, completed.clamp(-1, 1), reference), seconds, Accuracy(completed)));
            completions.Add(completed[TensorIndex.Slice(0, Math.Min(16, count))].clone());
        }
        // Original | what the model was given (the generated half grey) | replace | RePaint, for the first 16 images.
        using (var shown = masked[TensorIndex.Slice(0, Math.Min(16, count))])
        using (var given = shown * mask)
        {
            ComparisonGrid.SavePng([shown, given, .. completions], Path.Combine("bench", "results", $"inpainting-comparison-{count}-{steps}.png"),
                                   groupsPerRow: 4, scale: 2);
        }
        foreach (var c in completions) c.Dispose();
        return rows;
    }

    /// <summary>A class-conditional model's null class is its unconditional half (Ho &amp; Salimans 2022).</summary>
    static IDenoiser Unconditional(DiffusionPipeline pipeline, long batch) =>
        pipeline.DenoiserFor(new GenerationOptions(), (int)batch, editing: true);

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
