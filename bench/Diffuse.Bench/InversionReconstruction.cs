using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Diffuse.Data;
using Diffuse.IO;
using Diffuse.Metrics;
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

    public sealed record Row(string Case, bool InvertClip, bool DecodeClip, int Steps, int Images, double MeanRmse, double MeanPsnr,
                             double MedianPsnr, double WorstMaxAbs, double NoiseMean, double NoiseStd, double Seconds);

    /// <param name="pngFolder">where to write the test images and, per case, a grid of originals and reconstructions</param>
    public static IReadOnlyList<Row> Run(string modelFolder, string imagesIdx, int count, int[] stepCounts, string? pngFolder,
                                         IReadOnlyList<string> cases)
    {
        var (module, schedulerConfig) = PipelineFolder.Load(modelFolder);
        using var model = module as UNet2DModel ?? throw new DiffuseException($"{modelFolder}: not a UNet2DModel folder");
        using var all = IdxReader.ReadImages(imagesIdx);
        using var images = all.narrow(0, 0, count).contiguous();
        var labelsPath = DatasetLoader.FindLabelsBeside(imagesIdx) ?? throw new DiffuseException($"{imagesIdx}: no labels file beside it");
        using var trueLabels = tensor(IdxReader.ReadLabels(labelsPath).Take(count).ToArray());
        using var nullLabels = model.Config.NullClass is int nullClass ? full([count], nullClass, dtype: int64) : null;
        if (pngFolder is not null)
        {
            Directory.CreateDirectory(pngFolder);
            ImageGrid.SaveEach(images, pngFolder, "test-");
        }
        var rows = new List<Row>();
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
                    ? DenoisingLoop.Run(model, new CurrentLevelInverse(invertConfig), images, steps, classLabels: labels)
                    : DdimInversion.Invert(model, invertConfig, images, steps, labels);
                var back = DdimInversion.Reconstruct(model, schedulerConfig with { ClipSample = decodeClip }, noise, steps, labels);
                double seconds = clock.Elapsed.TotalSeconds;
                var errors = ReconstructionError.PerImage(images, back);
                var psnr = errors.Select(e => e.Psnr).Order().ToArray();
                var row = new Row(name, invertClip, decodeClip, steps, count, errors.Average(e => e.Rmse), psnr.Average(), psnr[psnr.Length / 2],
                    errors.Max(e => e.MaxAbs), noise.mean().item<float>(), noise.std().item<float>(), seconds);
                rows.Add(row);
                Console.WriteLine(FormattableString.Invariant(
                    $"{name,-22} {steps,4} steps: RMSE {row.MeanRmse,6:F2}  PSNR mean {row.MeanPsnr,5:F1} median {row.MedianPsnr,5:F1} dB  max {row.WorstMaxAbs,5:F1}  noise mean {row.NoiseMean,6:F3} std {row.NoiseStd,5:F3}  {seconds,5:F0} s"));
                reconstructions.Add(back);
            }
            if (pngFolder is not null)
            {
                // Rows: the originals, then the reconstruction at each step count; the first 16 images.
                int shown = Math.Min(16, count);
                using var grid = cat([images.narrow(0, 0, shown), .. reconstructions.Select(r => r.narrow(0, 0, shown))]);
                ImageGrid.SavePng(grid, Path.Combine(pngFolder, $"reconstructions-{name}.png"), columns: shown, scale: 2);
            }
            foreach (var r in reconstructions) r.Dispose();
        }
        return rows;
    }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Merges into the rows already in <paramref name="path"/> (a run may measure only some cases), replacing equal cases.</summary>
    public static void Write(IReadOnlyList<Row> rows, string path)
    {
        var old = File.Exists(path) ? JsonSerializer.Deserialize<List<Row>>(File.ReadAllText(path), Json) ?? [] : [];
        var merged = old.Where(o => !rows.Any(r => r.Case == o.Case && r.Steps == o.Steps && r.Images == o.Images))
            .Concat(rows).OrderBy(r => r.Case).ThenBy(r => r.Steps).ToList();
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(merged, Json) + "\n");
    }
}
