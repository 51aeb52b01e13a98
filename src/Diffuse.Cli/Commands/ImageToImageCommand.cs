using System.Globalization;
using Diffuse.Data;
using Diffuse.Pipelines;
using Diffuse.Schedulers;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse img2img</c>: SDEdit (Meng et al. 2021) — noise an image part-way and denoise it with the model.</summary>
public sealed class ImageToImageCommand : Command<ImageToImageSettings>
{
    public override int Execute(CommandContext context, ImageToImageSettings s, CancellationToken cancellationToken)
    {
        var modelFolder = DefaultModel.Resolve(s.Model);
        if (s.Image is null) throw new DiffuseException("--image is required");
        if (!(s.Strength >= 0 && s.Strength <= 1))
            throw new DiffuseException($"--strength must lie in [0, 1] (got {s.Strength.ToString(CultureInfo.InvariantCulture)})");
        if (s.Steps <= 0) throw new DiffuseException($"--steps must be positive (got {s.Steps})");
        if (s.Scale <= 0) throw new DiffuseException($"--scale must be positive (got {s.Scale})");
        if (!s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new DiffuseException($"--out must name a .png file (got '{s.Out}')");

        var (model, schedulerConfig) = ImageModel.Load(modelFolder, "img2img");
        using var _ = model;
        using var image = ImageModel.ReadImage(s.Image, model.Config, "--image");
        var denoiser = ImageModel.Denoiser(model, s.Class, s.GuidanceScale, image.shape[0]);
        var sampler = s.Sampler ?? schedulerConfig.ClassName ?? "ddim";
        using var scheduler = SchedulerFactory.Create(sampler, schedulerConfig);
        ScheduledNoise.CheckSupported(scheduler, "img2img");
        using var generator = new Generator().manual_seed(s.Seed);
        int kept = ImageToImage.KeptSteps(s.Strength, s.Steps);
        using var result = ImageModel.WithProgress($"{sampler} {kept} of {s.Steps} steps",
            onStep => ImageToImage.Run(denoiser, scheduler, image, s.Strength, s.Steps, generator, onStep: onStep));
        ImageGrid.SavePng(result, s.Out, columns: 1, padding: 0, scale: s.Scale);
        // The counts first: a long path may wrap, and the progress bar is not shown on a short run.
        AnsiConsole.MarkupLineInterpolated($"{kept} denoising steps from strength {s.Strength.ToString(CultureInfo.InvariantCulture)}: wrote {s.Out}");
        return 0;
    }
}
