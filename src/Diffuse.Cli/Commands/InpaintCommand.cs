using Diffuse.Data;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse inpaint</c>: fill the black part of a mask with the model, keeping the white part of the image.</summary>
public sealed class InpaintCommand(IAnsiConsole console) : Command<InpaintSettings>
{
    public override int Execute(CommandContext context, InpaintSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Image is null) throw new DiffuseException("--image is required");
        if (s.Mask is null) throw new DiffuseException("--mask is required");
        bool repaint = s.Method.ToLowerInvariant() switch
        {
            "repaint" => true,
            "replace" => false,
            _ => throw new DiffuseException($"unknown --method '{s.Method}' (expected replace or repaint)"),
        };
        if (s.Jump <= 0) throw new DiffuseException($"--jump must be positive (got {s.Jump})");
        if (s.Resample <= 0) throw new DiffuseException($"--resample must be positive (got {s.Resample})");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (repaint && s.Sampler is not null && !s.Sampler.Equals("ddpm", StringComparison.OrdinalIgnoreCase))
            throw new DiffuseException($"--method repaint uses the ddpm sampler (got --sampler {s.Sampler}); use --method replace for others");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");
        if (!File.Exists(s.Mask)) throw new DiffuseException($"{s.Mask}: --mask file not found");
        var options = new GenerationOptions
        {
            Steps = s.Steps, Scheduler = s.Sampler, Seed = s.Seed, GuidanceScale = s.GuidanceScale, Classes = ModelOptions.Classes(s.Class), Prompt = s.Prompt, NegativePrompt = s.NegativePrompt,
        };
        options.Validate();

        using var pipeline = ImageModel.Load(modelFolder, s.Device, "inpaint", s.Config);
        using var image = ImageModel.ReadImage(s.Image, pipeline, "--image");
        using var mask = ReadMask(s.Mask, image);
        var sampler = repaint ? "ddpm" : s.Sampler ?? pipeline.SchedulerConfig.ClassName ?? "ddim";
        var title = repaint ? $"repaint {s.Steps} steps, j={s.Jump}, r={s.Resample}" : $"replace, {sampler} {s.Steps} steps";
        using var result = ImageModel.WithProgress(console, title, onStep =>
            pipeline.Inpaint(image, mask, options, repaint ? new RePaintSchedule(s.Jump, s.Resample) : null, onStep, cancellationToken));
        ImageGrid.SavePng(result, s.Out, columns: 1, padding: 0, scale: s.Scale);
        console.MarkupLineInterpolated($"wrote {s.Out}");
        return 0;
    }

    /// <summary>[1, 1, H, W] of 0 (generate) and 1 (keep), from a black-and-white PNG the image's size.</summary>
    private static Tensor ReadMask(string path, Tensor image)
    {
        using var scope = NewDisposeScope();
        // Read as RGB: 0 and 255 decode to exactly −1 and 1, and so average to exactly 0 and 1 below.
        var rgb = ImageDecoder.Decode(path, 3);
        if (rgb.shape[2] != image.shape[2] || rgb.shape[3] != image.shape[3])
            throw new DiffuseException(
                $"{path}: --mask is {rgb.shape[3]}×{rgb.shape[2]} pixels but --image is {image.shape[3]}×{image.shape[2]}");
        var mask = (rgb.mean([1], keepdim: true) + 1) / 2;
        long other = mask.ne(0).logical_and(mask.ne(1)).sum().item<long>();
        if (other > 0)
            throw new DiffuseException($"{path}: --mask must be black (0, generate) and white (255, keep) only; {other} pixels are neither");
        return mask.MoveToOuterDisposeScope();
    }
}
