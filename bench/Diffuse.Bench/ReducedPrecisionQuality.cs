using System.Text.Json;
using Diffuse.Benchmarks;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// What sampling in bfloat16 or float16 costs in quality and buys in speed, on a trained model: the
/// same starting noise and classes go through the model folder's sampler (DDIM, η = 0, deterministic)
/// once in float32 and once in the narrow type. Reported: the largest and mean absolute difference of
/// the final samples (values in [−1, 1]), the same after rounding to 8-bit pixels, the classifier's
/// accuracy on each set, and the loop times measured alternately.
/// </summary>
public static class ReducedPrecisionQuality
{
    public sealed record Row(string DType, int Samples, int Steps, double MaxAbsDifference, double MeanAbsDifference,
                             int MaxPixelDifference, double PixelsChangedFraction, double AccuracyFloat32, double AccuracyReduced,
                             TimingStats Float32Loop, TimingStats ReducedLoop, double Speedup);

    public static IReadOnlyList<Row> Run(string modelFolder, string classifierFolder, int perClass, int steps, int timingRounds,
                                         IReadOnlyList<ScalarType> dtypes)
    {
        using var classifier = ClassifierFolder.Load(classifierFolder);
        using var fullPipeline = DiffusionPipeline.Load(modelFolder);
        var schedulerConfig = fullPipeline.SchedulerConfig;
        var full = fullPipeline.Denoiser;
        int classes = fullPipeline.ClassCount ?? throw new DiffuseException($"{modelFolder}: needs a class-conditional model (the classifier checks the classes)");
        using var labels = arange(classes, dtype: int64).repeat_interleave(perClass);
        long[] shape = [labels.shape[0], .. fullPipeline.SampleShape];
        using var noise = randn(shape, generator: new Generator().manual_seed(0));

        Tensor Sample(IDenoiser model, int n)
        {
            using var scheduler = SchedulerRegistry.FromConfig(schedulerConfig);
            return DenoisingLoop.Run(model, scheduler, noise, n, new Generator().manual_seed(1), new Conditioning { ClassLabels = labels });
        }
        double Accuracy(Tensor samples)
        {
            using var clamped = samples.clamp(-1, 1);
            return ClassifierTrainer.Accuracy(classifier, clamped, labels);
        }
        Tensor Pixels(Tensor samples) => ((samples.clamp(-1, 1) + 1) * 127.5).round();

        using var reference = Sample(full, steps);
        double accuracyFull = Accuracy(reference);
        var rows = new List<Row>();
        foreach (var dtype in dtypes)
        {
            using var narrow = DiffusionPipeline.Load(modelFolder, dtype: dtype);
            var reduced = narrow.Denoiser;
            using var samples = Sample(reduced, steps);
            using var scope = NewDisposeScope();
            var difference = (samples - reference).abs();
            var pixelDifference = (Pixels(samples) - Pixels(reference)).abs();
            // Timing on 10-step loops of the same batch, alternating, so both see the same machine load.
            var timing = Alternation.Run("sampling dtype", "trained model", "float32", InferenceDTypes.Name(dtype), 1, timingRounds,
                                         () => Sample(full, 10).Dispose(), () => Sample(reduced, 10).Dispose());
            rows.Add(new Row(InferenceDTypes.Name(dtype), (int)labels.shape[0], steps,
                             difference.max().item<float>(), difference.mean().item<float>(),
                             (int)pixelDifference.max().item<float>(), pixelDifference.gt(0).to(float64).mean().item<double>(),
                             accuracyFull, Accuracy(samples), timing.BeforeTimes, timing.AfterTimes, timing.Speedup));
        }
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
