using System.Globalization;
using Diffuse.Data;
using Diffuse.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse img2img</c>: SDEdit (Meng et al. 2021) — noise an image part-way and denoise it with the model.</summary>
public sealed class ImageToImageCommand(IAnsiConsole console) : Command<ImageToImageSettings>
{
    public override int Execute(CommandContext context, ImageToImageSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Image is null) throw new DiffuseException("--image is required");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");

        var options = new GenerationOptions
        {
            Steps = s.Steps, Scheduler = s.Sampler, Seed = s.Seed, GuidanceScale = s.GuidanceScale, Classes = ModelOptions.Classes(s.Class), Prompt = s.Prompt, NegativePrompt = s.NegativePrompt,
        };
        options.Validate();
        using var pipeline = ImageModel.Load(modelFolder, s.Device, "img2img", s.Config);
        using var image = ImageModel.ReadImage(s.Image, pipeline, "--image");
        int kept = ImageToImage.KeptSteps(s.Strength, s.Steps);
        var sampler = s.Sampler ?? pipeline.SchedulerConfig.ClassName ?? "ddim";
        using var result = ImageModel.WithProgress(console, $"{sampler} {kept} of {s.Steps} steps",
            onStep => pipeline.ImageToImage(image, s.Strength, options, onStep, cancellationToken));
        ImageGrid.SavePng(result, s.Out, columns: 1, padding: 0, scale: s.Scale);
        // The counts first: a long path may wrap, and the progress bar is not shown on a short run.
        console.MarkupLineInterpolated($"{kept} denoising steps from strength {s.Strength.ToString(CultureInfo.InvariantCulture)}: wrote {s.Out}");
        return 0;
    }
}
