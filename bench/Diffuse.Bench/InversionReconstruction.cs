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
/// DDIM inversion then DDIM (η = 0) reconstruction of held-out images, per step count and conditioning: how close the
/// round trip comes back (8-bit RMSE, PSNR, max abs) and how Gaussian the inverted noise looks (its mean and std).
/// </summary>
public static class InversionReconstruction
{
    public sealed record Row(string Conditioning, bool ClipSample, int Steps, int Images, double MeanRmse, double MeanPsnr,
                             double MedianPsnr, double WorstMaxAbs, double NoiseMean, double NoiseStd, double Seconds);

    /// <param name="pngFolder">where to write the originals and the reconstructions (one grid per step count), or null</param>
    public static IReadOnlyList<Row> Run(string modelFolder, string imagesIdx, int count, int[] stepCounts, string? pngFolder)
    {
        var (module, schedulerConfig) = PipelineFolder.Load(modelFolder);
        using var model = module as UNet2DModel ?? throw new DiffuseException($"{modelFolder}: not a UNet2DModel folder");
        using var all = IdxReader.ReadImages(imagesIdx);
        using var images = all.narrow(0, 0, count).contiguous();
        var labelsPath = DatasetLoader.FindLabelsBeside(imagesIdx) ?? throw new DiffuseException($"{imagesIdx}: no labels file beside it");
        using var trueLabels = tensor(IdxReader.ReadLabels(labelsPath).Take(count).ToArray());
        using var nullLabels = model.Config.NullClass is int nullClass ? full([count], nullClass, dtype: int64) : null;
        var conditionings = new List<(string Name, Tensor? Labels, bool Clip)>();
        if (model.Config.NumClassEmbeds is null) conditionings.Add(("none", null, schedulerConfig.ClipSample));
        else
        {
            conditionings.Add(("true class", trueLabels, schedulerConfig.ClipSample));
            if (nullLabels is not null) conditionings.Add(("null class", nullLabels, schedulerConfig.ClipSample));
            conditionings.Add(("true class", trueLabels, !schedulerConfig.ClipSample));
        }
        if (pngFolder is not null)
        {
            Directory.CreateDirectory(pngFolder);
            ImageGrid.SaveEach(images, pngFolder, "test-");
        }
        var rows = new List<Row>();
        foreach (var (name, labels, clip) in conditionings)
        {
            var config = schedulerConfig with { ClipSample = clip };
            var reconstructions = new List<Tensor>();
            foreach (var steps in stepCounts)
            {
                var clock = Stopwatch.StartNew();
                using var noise = DdimInversion.Invert(model, config, images, steps, labels);
                var back = DdimInversion.Reconstruct(model, config, noise, steps, labels);
                double seconds = clock.Elapsed.TotalSeconds;
                var errors = ReconstructionError.PerImage(images, back);
                var psnr = errors.Select(e => e.Psnr).Order().ToArray();
                rows.Add(new Row(name, clip, steps, count, errors.Average(e => e.Rmse), psnr.Average(), psnr[psnr.Length / 2],
                    errors.Max(e => e.MaxAbs), noise.mean().item<float>(), noise.std().item<float>(), seconds));
                Console.WriteLine(FormattableString.Invariant(
                    $"{name,-10} clip={clip,-5} {steps,4} steps: RMSE {rows[^1].MeanRmse,6:F2}  PSNR mean {rows[^1].MeanPsnr,5:F1} median {rows[^1].MedianPsnr,5:F1} dB  max {rows[^1].WorstMaxAbs,5:F1}  noise mean {rows[^1].NoiseMean,6:F3} std {rows[^1].NoiseStd,5:F3}  {seconds,5:F0} s"));
                reconstructions.Add(back);
            }
            if (pngFolder is not null)
            {
                // Rows: the originals, then the reconstruction at each step count; the first 16 images.
                int shown = Math.Min(16, count);
                using var grid = cat([images.narrow(0, 0, shown), .. reconstructions.Select(r => r.narrow(0, 0, shown))]);
                var file = $"reconstructions-{name.Replace(' ', '-')}{(clip ? "" : "-noclip")}.png";
                ImageGrid.SavePng(grid, Path.Combine(pngFolder, file), columns: shown, scale: 2);
            }
            foreach (var r in reconstructions) r.Dispose();
        }
        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }) + "\n");
}
