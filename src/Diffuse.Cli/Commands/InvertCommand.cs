using System.Globalization;
using Diffuse.Data;
using Diffuse.Formats;
using Diffuse.Evaluation;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse invert</c>: DDIM inversion (Song et al. 2021, §5.4) — the noise that DDIM with η = 0 turns into the image.</summary>
public sealed class InvertCommand(IAnsiConsole console) : Command<InvertSettings>
{
    public override int Execute(CommandContext context, InvertSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Image is null) throw new DiffuseException("--image is required");
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (!s.Out.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--out must name a .safetensors file (got '{s.Out}')");
        if (s.Reconstruction is not null && !s.Reconstruction.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--reconstruction must name a .png file (got '{s.Reconstruction}')");

        using var pipeline = ImageModel.Load(modelFolder, s.Device, "invert");
        var model = pipeline.Denoiser;
        var schedulerConfig = s.Clip ? pipeline.SchedulerConfig : DdimInversion.Unclipped(pipeline.SchedulerConfig);
        using var image = InversionInput.ReadImage(s.Image, pipeline, "--image");
        var classIndex = InversionInput.Class(pipeline, s.Class);
        var labels = InversionInput.Conditioning(classIndex, 1);
        using var noise = ImageModel.WithProgress(console, $"inverting, {s.Steps} DDIM steps",
            onStep => DdimInversion.Invert(model, schedulerConfig, image, s.Steps, labels, onStep));
        SampleTensorFile.Write(s.Out, noise, Provenance(s, classIndex));
        var decode = $"diffuse sample --init-noise FILE --sampler ddim --eta 0 --steps {s.Steps}{(classIndex is long k ? $" --class {k}" : "")}{(s.Clip ? "" : " --no-clip")}";
        console.MarkupLineInterpolated($"inverted in {s.Steps} DDIM steps{InversionInput.Describe(classIndex)} (decode with: {decode}): wrote {s.Out}");
        if (s.Reconstruction is null) return 0;

        using var reconstruction = ImageModel.WithProgress(console, $"ddim {s.Steps} steps",
            onStep => DdimInversion.Reconstruct(model, schedulerConfig, noise, s.Steps, labels, onStep));
        ImageGrid.SavePng(reconstruction, s.Reconstruction, columns: 1, padding: 0, scale: s.Scale);
        console.MarkupLineInterpolated($"reconstruction error {ReconstructionError.Of(image, reconstruction)}: wrote {s.Reconstruction}");
        return 0;
    }

    /// <summary>Written into the noise file's metadata, so the file says how to decode it.</summary>
    private static Dictionary<string, string> Provenance(InvertSettings s, long? classIndex)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model"] = Path.GetFullPath(DefaultModel.Resolve(s.Model)),
            ["image"] = Path.GetFullPath(s.Image!),
            ["scheduler"] = DdimInverseScheduler.DiffusersClassName,
            ["steps"] = s.Steps.ToString(CultureInfo.InvariantCulture),
            ["clip_sample"] = s.Clip ? "model" : "false",
        };
        if (classIndex is long k) metadata["class"] = k.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }
}
