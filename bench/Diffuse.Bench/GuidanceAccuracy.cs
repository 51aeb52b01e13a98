using System.Text.Json;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// How often a class-conditional model's samples of class K are classified as K, for several
/// classifier-free guidance scales s (diffusers' guidance_scale; 1 is none): the same starting noise and classes for every s.
/// </summary>
public static class GuidanceAccuracy
{
    public sealed record Row(double GuidanceScale, string Sampler, int Samples, double Accuracy);

    /// <param name="clippedModelOutput">DDIM re-derives ε̂ from the clipped x̂₀ (GLIDE's choice, diffusers'
    /// use_clipped_model_output), so that x_t stays consistent with the clipped prediction under strong guidance.</param>
    public static IReadOnlyList<Row> Run(string modelFolder, string classifierFolder, double[] guidanceScales, int perClass, int steps,
                                         bool clippedModelOutput = false)
    {
        using var pipeline = DiffusionPipeline.Load(modelFolder);
        var schedulerConfig = pipeline.SchedulerConfig;
        var model = pipeline.Denoiser;
        var shape = pipeline.SampleShape;
        if (pipeline.ClassCount is not int classes)
            throw new DiffuseException($"{modelFolder}: not a class-conditional model trained for guidance (no null class)");
        using var classifier = ClassifierFolder.Load(classifierFolder);
        using var labels = arange(classes, dtype: int64).repeat_interleave(perClass);
        var rows = new List<Row>();
        foreach (var s in guidanceScales)
        {
            using var scope = NewDisposeScope();
            using var scheduler = SchedulerRegistry.Create("ddim", schedulerConfig);
            ((DdimScheduler)scheduler).UseClippedModelOutput = clippedModelOutput;
            using var generator = new Generator().manual_seed(0);
            var noise = randn([labels.shape[0], .. shape], generator: generator);
            var guided = new ClassifierFreeGuidance(model, new Conditioning { ClassLabels = labels }, new Conditioning { ClassLabels = full_like(labels, classes) }, guidanceScale: s);
            using var samples = DenoisingLoop.Run(guided, scheduler, noise, steps, generator);
            using var clamped = samples.clamp(-1, 1);
            double accuracy = ClassifierTrainer.Accuracy(classifier, clamped, labels);
            rows.Add(new Row(s, clippedModelOutput ? $"ddim {steps}, clipped ε" : $"ddim {steps}", (int)labels.shape[0], accuracy));
        }
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
