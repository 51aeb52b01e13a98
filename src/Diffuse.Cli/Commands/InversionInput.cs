using Diffuse.Data;
using Diffuse.Models;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>What invert and interpolate share: images that must match the model exactly, and the class to condition on.</summary>
internal static class InversionInput
{
    /// <summary>[1, C, H, W] in [−1, 1]; a colour image for a gray model is refused rather than silently turned gray,
    /// since the reconstruction error would then measure the conversion too.</summary>
    public static Tensor ReadImage(string? path, DiffusionPipeline pipeline, string option)
    {
        if (path is null) throw new DiffuseException($"{option} is required");
        if (!File.Exists(path)) throw new DiffuseException($"{path}: {option} file not found");
        if (pipeline.SampleShape[0] == 1)
        {
            using var rgb = ImageDecoder.Decode(path, 3);
            using var spread = rgb.amax(1) - rgb.amin(1);
            if (spread.max().item<float>() > 0)
                throw new DiffuseException($"{path}: {option} is a colour image but the model makes gray (1-channel) images");
        }
        return ImageModel.ReadImage(path, pipeline, option);
    }

    /// <summary>
    /// Null for an unconditional model; for a class-conditional one the --class it needs, its null class (the number
    /// of classes) allowed: decoding must use the class the inversion used.
    /// </summary>
    public static long? Class(DiffusionPipeline pipeline, string? option)
    {
        var requested = ModelOptions.Classes(option);
        if (pipeline.ClassCount is not int classes)
        {
            if (requested is not null) throw new DiffuseException("--class needs a class-conditional model (trained with --conditional); this one has no classes");
            return null;
        }
        var nullNote = $" ({classes} is the null class: no class)";
        if (requested is null) throw new DiffuseException($"--class is required for this class-conditional model: 0..{classes - 1}{nullNote}");
        if (requested.Count != 1) throw new DiffuseException($"--class takes one class here (got {requested.Count})");
        int k = requested[0];
        if (k < 0 || k > classes) throw new DiffuseException($"--class {k} is outside the model's classes 0..{classes - 1}{nullNote}");
        return k;
    }

    /// <summary>The conditioning of a batch of <paramref name="count"/>, or null for an unconditional model.</summary>
    public static Conditioning? Conditioning(long? classIndex, long count) =>
        classIndex is long k ? new Conditioning { ClassLabels = full([count], k, dtype: int64) } : null;

    public static string Describe(long? classIndex) => classIndex is long k ? $" (class {k})" : "";
}
