using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Data;
using Diffuse.Formats;
using Diffuse.Folders;
using Diffuse.Evaluation;
using Diffuse.Models;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Bench;

/// <summary>
/// DDIM inversion then DDIM (η = 0) reconstruction of held-out images, per step count and case: how close the round
/// trip comes back (8-bit RMSE, PSNR, max abs) and how Gaussian the inverted noise looks (its mean and std).
/// A case is "true" or "null" (the class the model is conditioned on; "none" for unconditional models) plus flags:
/// "-noclip" turns x̂₀ clipping off in both directions, "-decodeclip" turns it back on for the decoding only, and
/// "-current" tells the model the sample's own level during inversion instead of diffusers' target timestep.
/// </summary>
public static class InversionReconstruction
{
    public static readonly string[] DefaultCases = ["true", "true-noclip", "null-noclip"];

    /// <summary>One image of one case at one step count; a run may cover some images only, the file gathers them.</summary>
    public sealed record ImageResult(string Case, int Steps, int Index, long Label, double Rmse, double Psnr, double MaxAbs,
                                     double NoiseMean, double NoiseStd);

    /// <summary>A case at a step count over the images measured so far.</summary>
    public sealed record Row(string Case, int Steps, int Images, double MeanRmse, double MeanPsnr, double MedianPsnr,
                             double WorstMaxAbs, double NoiseMean, double NoiseStd);

    public sealed record Results(IReadOnlyList<Row> Summary, IReadOnlyList<ImageResult> Images);

    /// <param name="pngFolder">where to write the test images and, per case, a grid of originals and reconstructions</param>
    public static IReadOnlyList<ImageResult> Run(string modelFolder, string imagesIdx, int first, int count, int[] stepCounts,
                                                 string? pngFolder, IReadOnlyList<string> cases)
    {
        using var pipeline = DiffusionPipeline.Load(modelFolder);
        var schedulerConfig = pipeline.SchedulerConfig;
        var model = pipeline.Denoiser;
        using var all = IdxReader.ReadImages(imagesIdx);
        using var images = all.narrow(0, first, count).contiguous();
        var labelsPath = DatasetLoader.FindLabelsBeside(imagesIdx) ?? throw new DiffuseException($"{imagesIdx}: no labels file beside it");
        var labelValues = IdxReader.ReadLabels(labelsPath).Skip(first).Take(count).ToArray();
        using var trueLabels = tensor(labelValues);
        using var nullLabels = pipeline.ClassCount is int nullClass ? full([count], nullClass, dtype: int64) : null;
        if (pngFolder is not null)
        {
            Directory.CreateDirectory(pngFolder);
            ImageGrid.SaveEach(images, pngFolder, $"test-from-{first}-");
        }
        var results = new List<ImageResult>();
        foreach (var name in cases)
        {
            var flags = name.Split('-');
            var labels = flags[0] switch
            {
                "true" => trueLabels,
                "null" => nullLabels ?? throw new DiffuseException($"{modelFolder}: no null class"),
                "none" => null,
                _ => throw new DiffuseException($"case '{name}': expected true, null or none first"),
            };
            bool invertClip = schedulerConfig.ClipSample && !flags.Contains("noclip");
            bool decodeClip = invertClip || flags.Contains("decodeclip");
            bool currentLevel = flags.Contains("current");
            var reconstructions = new List<Tensor>();
            foreach (var steps in stepCounts)
            {
                var clock = Stopwatch.StartNew();
                var invertConfig = schedulerConfig with { ClipSample = invertClip };
                using var noise = currentLevel
                    ? DenoisingLoop.Run(model, new CurrentLevelInverse(invertConfig), images, steps, conditioning: Labels(labels))
                    : DdimInversion.Invert(model, invertConfig, images, steps, Labels(labels));
                var back = DdimInversion.Reconstruct(model, schedulerConfig with { ClipSample = decodeClip }, noise, steps, Labels(labels));
                double seconds = clock.Elapsed.TotalSeconds;
                var errors = ReconstructionError.PerImage(images, back);
                for (int i = 0; i < count; i++)
                {
                    using var one = noise[i];
                    results.Add(new ImageResult(name, steps, first + i, labelValues[i], errors[i].Rmse, errors[i].Psnr, errors[i].MaxAbs,
                        one.mean().item<float>(), one.std().item<float>()));
                }
                var row = Summarise(results.Where(r => r.Case == name && r.Steps == steps).ToList());
                Console.WriteLine(FormattableString.Invariant(
                    $"{name,-22} {steps,4} steps, images {first}..{first + count - 1}: RMSE {row.MeanRmse,6:F2}  PSNR mean {row.MeanPsnr,5:F1} median {row.MedianPsnr,5:F1} dB  max {row.WorstMaxAbs,5:F1}  noise mean {row.NoiseMean,6:F3} std {row.NoiseStd,5:F3}  {seconds,5:F0} s"));
                reconstructions.Add(back);
            }
            if (pngFolder is not null)
            {
                // Rows: the originals, then the reconstruction at each step count; the first 16 images.
                int shown = Math.Min(16, count);
                using var grid = cat([images.narrow(0, 0, shown), .. reconstructions.Select(r => r.narrow(0, 0, shown))]);
                ImageGrid.SavePng(grid, Path.Combine(pngFolder, $"reconstructions-{name}-from-{first}.png"), columns: shown, scale: 2);
            }
            foreach (var r in reconstructions) r.Dispose();
        }
        return results;
    }

    static Row Summarise(IReadOnlyList<ImageResult> images)
    {
        var psnr = images.Select(r => r.Psnr).Order().ToArray();
        double median = psnr.Length % 2 == 1 ? psnr[psnr.Length / 2] : (psnr[psnr.Length / 2 - 1] + psnr[psnr.Length / 2]) / 2;
        return new Row(images[0].Case, images[0].Steps, images.Count, images.Average(r => r.Rmse), psnr.Average(), median,
            images.Max(r => r.MaxAbs), images.Average(r => r.NoiseMean), images.Average(r => r.NoiseStd));
    }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Merges into the images already in <paramref name="path"/> (replacing the same case, steps and image) and
    /// rewrites the summary over all of them.</summary>
    public static Results Write(IReadOnlyList<ImageResult> images, string path)
    {
        var old = File.Exists(path) ? JsonSerializer.Deserialize<Results>(File.ReadAllText(path), Json)?.Images ?? [] : [];
        var merged = old.Where(o => !images.Any(r => r.Case == o.Case && r.Steps == o.Steps && r.Index == o.Index))
            .Concat(images).OrderBy(r => r.Case).ThenBy(r => r.Steps).ThenBy(r => r.Index).ToList();
        var summary = merged.GroupBy(r => (r.Case, r.Steps)).Select(g => Summarise(g.ToList())).ToList();
        var results = new Results(summary, merged);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(results, Json) + "\n");
        return results;
    }

    static Conditioning? Labels(Tensor? labels) => labels is null ? null : new Conditioning { ClassLabels = labels };
}
