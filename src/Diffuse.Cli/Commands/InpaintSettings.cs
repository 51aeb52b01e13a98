using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class InpaintSettings : ImageEditSettings
{
    [CommandOption("--image <FILE.png>")]
    [Description("The image to complete, at the model's size.")]
    public string? Image { get; init; }

    [CommandOption("--mask <FILE.png>")]
    [Description("Black and white, the image's size: white (255) pixels are kept from --image, black (0) ones are generated.")]
    public string? Mask { get; init; }

    [CommandOption("--method <NAME>")]
    [Description("replace: one pass, known region replaced by the noised image each step (Song et al. 2021); repaint: with resampling (Lugmayr et al. 2022), DDPM only.")]
    [DefaultValue("repaint")]
    public string Method { get; init; } = "repaint";

    [CommandOption("--sampler <NAME>")]
    [Description("For replace: ddpm, ddim, dpm++, euler or euler_a (default: the model folder's own). repaint always uses ddpm.")]
    public string? Sampler { get; init; }

    [CommandOption("--jump <N>")]
    [Description("RePaint: steps taken down before going back up (j).")]
    [DefaultValue(10)]
    public int Jump { get; init; } = 10;

    [CommandOption("--resample <N>")]
    [Description("RePaint: passes over each span of j steps (r; 1 means no resampling, the same as replace).")]
    [DefaultValue(10)]
    public int Resample { get; init; } = 10;

    [CommandOption("--steps <N>")]
    [Description("Denoising timesteps (RePaint runs steps × resample model calls).")]
    [DefaultValue(50)]
    public int Steps { get; init; } = 50;

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the completed image.")]
    [DefaultValue("inpaint.png")]
    public string Out { get; init; } = "inpaint.png";
}
